import type { Sql } from '../db/client';
import { networkHealthScore } from '../scoring';
import { computeClassAggregates, type ClassAggregates } from './class-aggregates';
import { round } from './format';

/**
 * The network-wide aggregation, in one place: /api/stats.json shows it live and
 * takeNetworkSnapshot stores it in network_snapshots. Hidden nodes never count;
 * distributions count online (status up) nodes, with null keys as "unknown".
 */
export interface NetworkAggregates extends Partial<ClassAggregates> {
  totalNodes: number;
  onlineNodes: number;
  /** Consensus height: the most common height of reachable nodes (see CONSENSUS_HEIGHT). */
  latestHeight: number | null;
  averageLatencyMs: number | null;
  averageUptime: number | null;
  averageReliability: number | null;
  averagePixScore: number | null;
  /** Share (0–100) of online nodes with a height within SYNCED_BLOCKS of latestHeight. */
  syncedPercentage: number | null;
  verifiedNodes: number;
  tipsEnabledNodes: number;
  /** 0–100, lib/scoring networkHealthScore. */
  healthScore: number;
  /** user agent → online nodes */
  versions: Record<string, number>;
  /** ISO country code → online nodes */
  countries: Record<string, number>;
  /** ISO country code → country name (for the codes of `countries`) */
  countryNames: Record<string, string>;
  /** tier → online nodes */
  tiers: Record<string, number>;
}

export const UNKNOWN_KEY = 'unknown';

/** A node counts as in sync when its height is at most this many blocks from the consensus height. */
export const SYNCED_BLOCKS = 6;

/**
 * latest_height, as Bitnodes computes its consensus height: the most common height
 * of reachable nodes (ties go to the higher height), so one peer that lies about its
 * height cannot move it. An aggregate over `nodes`; the caller adds `where not hidden`.
 */
export function consensusHeight(sql: Sql) {
  return sql`mode() within group (order by height desc) filter (where status = 'up' and height is not null)`;
}

function sortedByCount(entries: [string, number][]): Record<string, number> {
  return Object.fromEntries(entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

export async function computeNetworkAggregates(sql: Sql): Promise<NetworkAggregates> {
  const [totals, groups, classAggregates] = await Promise.all([
    sql<{
      total: number;
      online: number;
      latest_height: number | null;
      latency: number | null;
      uptime: number | null;
      reliability: number | null;
      pix: number | null;
      synced: number | null;
      verified: number;
      tips: number;
    }[]>`
      with summary as (
        select count(*)::int as total,
               count(*) filter (where status = 'up')::int as online,
               ${consensusHeight(sql)} as latest_height,
               avg(latency_ms) filter (where status = 'up') as latency,
               avg(uptime_percentage) filter (where status = 'up') as uptime,
               avg(reliability) filter (where status = 'up') as reliability,
               avg(pix_score) filter (where status = 'up') as pix,
               count(*) filter (where verified)::int as verified,
               count(*) filter (where tips_enabled)::int as tips
        from nodes where not hidden
      )
      select summary.*,
             (select avg(case when abs(n.height - summary.latest_height) <= ${SYNCED_BLOCKS} then 100 else 0 end)::float8
              from nodes n where n.status = 'up' and not n.hidden) as synced
      from summary`,
    sql<{ dimension: 'version' | 'country' | 'tier'; key: string | null; name: string | null; count: number }[]>`
      select case when grouping(user_agent) = 0 then 'version'
                  when grouping(country) = 0 then 'country' else 'tier' end as dimension,
             coalesce(user_agent, country, tier) as key,
             max(country_name) as name,
             count(*)::int as count
      from nodes where status = 'up' and not hidden
      group by grouping sets ((user_agent), (country), (tier))`,
    computeClassAggregates(sql),
  ]);
  const row = totals[0];
  const buckets = { version: [] as [string, number][], country: [] as [string, number][], tier: [] as [string, number][] };
  const countryNames: Record<string, string> = {};
  for (const group of groups) {
    const key = group.key?.trim() || UNKNOWN_KEY;
    buckets[group.dimension].push([key, group.count]);
    if (group.dimension === 'country' && key !== UNKNOWN_KEY) countryNames[key] = group.name?.trim() || key;
  }
  const averageUptime = round(row?.uptime, 2);
  const averageReliability = round(row?.reliability, 2);
  const syncedPercentage = round(row?.synced, 2);
  return {
    totalNodes: row?.total ?? 0,
    onlineNodes: row?.online ?? 0,
    latestHeight: row?.latest_height ?? null,
    averageLatencyMs: round(row?.latency, 2),
    averageUptime,
    averageReliability,
    averagePixScore: round(row?.pix, 2),
    syncedPercentage,
    verifiedNodes: row?.verified ?? 0,
    tipsEnabledNodes: row?.tips ?? 0,
    healthScore: round(networkHealthScore({ averageUptime, averageReliability, syncedPercentage }), 1)!,
    versions: sortedByCount(buckets.version),
    countries: sortedByCount(buckets.country),
    countryNames,
    tiers: sortedByCount(buckets.tier),
    ...classAggregates,
  };
}
