import type { Metadata } from 'next';
import { getLeaderboard } from '@/lib/api/leaderboard';
import { leaderboardQuerySchema } from '@/lib/api/schemas';
import { parseSearchParams, type RawSearchParams } from '@/lib/dashboard/search-params';
import { getSql } from '@/lib/db/client';
import { liveProfilesByAddress } from '@/lib/profiles/service';
import { InputError } from '../_components/input-error';
import { NodeTable } from '../_components/node-table';
import { Pagination } from '../_components/pagination';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Leaderboard' };

export default async function LeaderboardPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const parsed = parseSearchParams(leaderboardQuerySchema.omit({ limit: true }), await searchParams);
  if (!parsed.ok) {
    return (
      <>
        <h1>Leaderboard</h1>
        <InputError issues={parsed.issues} resetHref="/leaderboard" />
      </>
    );
  }
  const result = await getLeaderboard(getSql(), { page: parsed.data.page, limit: 100 });
  const operators = await liveProfilesByAddress(getSql(), result.nodes.map((node) => node.address));
  const { page, total, total_pages: totalPages } = result.pagination;
  return (
    <>
      <h1>Leaderboard</h1>
      <p className="muted">Online nodes ranked by PIX score (uptime, latency and reliability; 0–1000).</p>
      <Pagination path="/leaderboard" query={{}} page={page} totalPages={totalPages} totalItems={total} label="Pagination (top)" />
      <NodeTable caption={`Ranked nodes, page ${page} of ${Math.max(totalPages, 1)}`} nodes={result.nodes.map((node) => ({ address: node.address, node }))} showRank operators={operators} />
      <Pagination path="/leaderboard" query={{}} page={page} totalPages={totalPages} totalItems={total} />
    </>
  );
}
