import type { Metadata } from 'next';
import { listNodes } from '@/lib/api/nodes';
import { nodesQuerySchema, type NodesQuery } from '@/lib/api/schemas';
import { formatInteger } from '@/lib/dashboard/format';
import { parseSearchParams, type RawSearchParams } from '@/lib/dashboard/search-params';
import { getSql } from '@/lib/db/client';
import { InputError } from '../_components/input-error';
import { NodeFilters } from '../_components/node-filters';
import { NodeTable } from '../_components/node-table';
import { Pagination } from '../_components/pagination';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Nodes' };

/** The query of the current list without page (kept by the pagination links). */
function listQuery(query: NodesQuery) {
  return {
    country: query.country,
    tier: query.tier,
    version: query.version,
    verified: query.verified,
    online: query.online,
    q: query.q,
    asn: query.asn,
    network: query.network,
    services: query.services?.join(','),
    status: query.status,
    version_status: query.version_status,
    sort: query.sort === 'last_seen' ? undefined : query.sort,
    order: query.order === 'desc' ? undefined : query.order,
  };
}

/** The services checkboxes send one `services` per ticked flag; the API takes them comma-separated. */
function joinRepeated(raw: RawSearchParams, key: string): RawSearchParams {
  const value = raw[key];
  return Array.isArray(value) ? { ...raw, [key]: value.filter((item) => item.trim() !== '').join(',') } : raw;
}

export default async function NodesPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const raw = await searchParams;
  // The dashboard always shows 100 a page; `limit` in the URL is not offered.
  const parsed = parseSearchParams(nodesQuerySchema.omit({ limit: true }), joinRepeated(raw, 'services'));
  if (!parsed.ok) {
    return (
      <>
        <h1>Nodes</h1>
        <InputError issues={parsed.issues} resetHref="/nodes" />
      </>
    );
  }
  const query: NodesQuery = { ...parsed.data, limit: 100 };
  const result = await listNodes(getSql(), query);
  const nodes = Object.entries(result.nodes).map(([address, node]) => ({ address, node }));
  const { page, total, total_pages: totalPages } = result.pagination;
  return (
    <>
      <h1>Nodes</h1>
      <NodeFilters query={query} />
      <p className="muted" role="status">
        {`${formatInteger(total)} matching ${total === 1 ? 'node' : 'nodes'}; consensus block height ${formatInteger(result.latest_height)}.`}
      </p>
      <Pagination path="/nodes" query={listQuery(query)} page={page} totalPages={totalPages} totalItems={total} label="Pagination (top)" />
      <NodeTable caption={`Nodes, page ${page} of ${Math.max(totalPages, 1)}`} nodes={nodes} />
      <Pagination path="/nodes" query={listQuery(query)} page={page} totalPages={totalPages} totalItems={total} />
    </>
  );
}
