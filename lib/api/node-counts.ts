import type { PendingQuery, Row } from 'postgres';
import type { Sql } from '../db/client';
import type { NodesQuery } from './schemas';

/**
 * nodes.json totals from counts kept with the newest snapshot (issue 13): the
 * visible nodes of each combination of the common filters, counted once per
 * snapshot, summed per request. Queries with any other filter are counted exactly
 * (and the count kept per snapshot by the caller).
 *
 * A row: [country, tier, online (status up), verified, protocol_version, nodes].
 */
export type NodeCountRow = [country: string | null, tier: string | null, online: boolean, verified: boolean, protocolVersion: number | null, nodes: number];

/** The query keys that never filter (paging and ordering). Every other key is a filter. */
const NOT_FILTERS = new Set(['page', 'limit', 'sort', 'order', 'cursor']);

/** Filters the stored counts can answer. */
export interface CountedFilters {
  country?: string;
  tier?: string;
  online?: boolean;
  verified?: boolean;
  protocolVersion?: number;
}

const NUMERIC_VERSION = /^\d{1,9}$/;

/**
 * The query's filters when the stored counts can answer them all; null when it has
 * any other filter (a user-agent search, or a filter added later): those are counted exactly.
 */
export function countedFilters(query: Record<string, unknown>): CountedFilters | null {
  const filters: CountedFilters = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || NOT_FILTERS.has(key)) continue;
    if (key === 'country' && typeof value === 'string') filters.country = value;
    else if (key === 'tier' && typeof value === 'string') filters.tier = value;
    else if (key === 'online' && typeof value === 'boolean') filters.online = value;
    else if (key === 'verified' && typeof value === 'boolean') filters.verified = value;
    else if (key === 'version' && typeof value === 'string' && NUMERIC_VERSION.test(value)) filters.protocolVersion = Number(value);
    else return null;
  }
  return filters;
}

/** Nodes matching `filters` according to the stored counts. Pure. */
export function sumNodeCounts(rows: readonly NodeCountRow[], filters: CountedFilters): number {
  let total = 0;
  for (const [country, tier, online, verified, protocolVersion, nodes] of rows) {
    if (filters.country !== undefined && country !== filters.country) continue;
    if (filters.tier !== undefined && tier !== filters.tier) continue;
    if (filters.online !== undefined && online !== filters.online) continue;
    if (filters.verified !== undefined && verified !== filters.verified) continue;
    if (filters.protocolVersion !== undefined && protocolVersion !== filters.protocolVersion) continue;
    total += nodes;
  }
  return total;
}

/** A stable key of the filters, for caches. */
export function filtersKey(filters: object): string {
  return JSON.stringify(Object.entries(filters).filter(([, value]) => value !== undefined).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The counts to store with a snapshot: visible nodes (`visible`, the base of the
 * nodes.json filters) grouped by every counted dimension.
 */
export async function computeNodeCounts(sql: Sql, visible: PendingQuery<Row[]>): Promise<NodeCountRow[]> {
  const rows = await sql<{ country: string | null; tier: string | null; online: boolean; verified: boolean; protocol_version: number | null; nodes: number }[]>`
    select country, tier, status = 'up' as online, verified, protocol_version, count(*)::int as nodes
    from nodes where ${visible}
    group by 1, 2, 3, 4, 5`;
  return rows.map((row) => [row.country?.trimEnd() ?? null, row.tier, row.online, row.verified, row.protocol_version, row.nodes]);
}

/** The counts stored with a snapshot; null when it has none. */
export async function storedNodeCounts(sql: Sql, snapshotId: string): Promise<NodeCountRow[] | null> {
  const [row] = await sql<{ node_counts: NodeCountRow[] | null }[]>`select node_counts from network_snapshots where id = ${snapshotId}`;
  return row?.node_counts ?? null;
}

export type { NodesQuery };
