import { consensusHeight } from '../api/aggregates';
import type { Sql } from '../db/client';

export interface NetworkSummary {
  totalNodes: number;
  onlineNodes: number;
  countries: number;
  latestHeight: number | null;
  lastSnapshotAt: Date | null;
}

/** Headline numbers for the home page and health checks. */
export async function getNetworkSummary(sql: Sql): Promise<NetworkSummary> {
  const [counts] = await sql<{ total: number; online: number; countries: number; height: number | null }[]>`
    select count(*)::int as total,
           count(*) filter (where status = 'up')::int as online,
           count(distinct country) filter (where status = 'up')::int as countries,
           ${consensusHeight(sql)} as height
    from nodes where not hidden`;
  const [snapshot] = await sql<{ taken_at: Date }[]>`
    select taken_at from network_snapshots order by taken_at desc limit 1`;
  return {
    totalNodes: counts?.total ?? 0,
    onlineNodes: counts?.online ?? 0,
    countries: counts?.countries ?? 0,
    latestHeight: counts?.height ?? null,
    lastSnapshotAt: snapshot?.taken_at ?? null,
  };
}
