import type { Sql } from '../db/client';
import { round } from './format';

/**
 * The network-wide aggregation, in one place: /api/stats.json shows it live and
 * takeNetworkSnapshot stores it in network_snapshots. Hidden nodes never count;
 * distributions count online (status up) nodes, with null keys as "unknown".
 */
export interface NetworkAggregates {
  totalNodes: number;
  onlineNodes: number;
  latestHeight: number | null;
  averageLatencyMs: number | null;
  averageUptime: number | null;
  averagePixScore: number | null;
  /** user agent → online nodes */
  versions: Record<string, number>;
  /** ISO country code → online nodes */
  countries: Record<string, number>;
  /** tier → online nodes */
  tiers: Record<string, number>;
}

export const UNKNOWN_KEY = 'unknown';

function sortedByCount(entries: [string, number][]): Record<string, number> {
  return Object.fromEntries(entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

export async function computeNetworkAggregates(sql: Sql): Promise<NetworkAggregates> {
  const [totals, groups] = await Promise.all([
    sql<{ total: number; online: number; latest_height: number | null; latency: number | null; uptime: number | null; pix: number | null }[]>`
      select count(*)::int as total,
             count(*) filter (where status = 'up')::int as online,
             -- Consensus height: the most common height of reachable nodes (the highest on a tie), so one lying peer cannot move it.
             mode() within group (order by height desc) filter (where status = 'up' and height is not null) as latest_height,
             avg(latency_ms) filter (where status = 'up') as latency,
             avg(uptime_percentage) filter (where status = 'up') as uptime,
             avg(pix_score) filter (where status = 'up') as pix
      from nodes where not hidden`,
    sql<{ dimension: 'version' | 'country' | 'tier'; key: string | null; count: number }[]>`
      select case when grouping(user_agent) = 0 then 'version'
                  when grouping(country) = 0 then 'country' else 'tier' end as dimension,
             coalesce(user_agent, country, tier) as key,
             count(*)::int as count
      from nodes where status = 'up' and not hidden
      group by grouping sets ((user_agent), (country), (tier))`,
  ]);
  const row = totals[0];
  const buckets = { version: [] as [string, number][], country: [] as [string, number][], tier: [] as [string, number][] };
  for (const group of groups) buckets[group.dimension].push([group.key?.trim() || UNKNOWN_KEY, group.count]);
  return {
    totalNodes: row?.total ?? 0,
    onlineNodes: row?.online ?? 0,
    latestHeight: row?.latest_height ?? null,
    averageLatencyMs: round(row?.latency, 2),
    averageUptime: round(row?.uptime, 2),
    averagePixScore: round(row?.pix, 2),
    versions: sortedByCount(buckets.version),
    countries: sortedByCount(buckets.country),
    tiers: sortedByCount(buckets.tier),
  };
}
