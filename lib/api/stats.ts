import type { Sql } from '../db/client';
import { computeNetworkAggregates } from './aggregates';
import { round, unixSeconds } from './format';
import type { StatsQuery } from './schemas';

export interface StatsResponse {
  timestamp: number;
  total_nodes: number;
  online_nodes: number;
  latest_height: number | null;
  versions: Record<string, number>;
  countries_distribution: Record<string, number>;
  tiers_distribution: Record<string, number>;
  network_health: {
    online_percentage: number | null;
    countries: number;
    average_latency_ms: number | null;
    average_uptime_percentage: number | null;
    average_pix_score: number | null;
    last_snapshot: number | null;
  };
  historical_data: {
    timestamp: number;
    total_nodes: number;
    online_nodes: number;
    latest_height: number | null;
    average_latency_ms: number | null;
    average_uptime_percentage: number | null;
  }[];
}

/** At most this many history points (newest kept) whatever `days` asks. */
export const MAX_HISTORY_POINTS = 2000;

/** GET /api/stats.json: live aggregates plus the snapshot history of the last `days` days, oldest first. */
export async function getStats(sql: Sql, query: StatsQuery, now: Date = new Date()): Promise<StatsResponse> {
  const since = new Date(now.getTime() - query.days * 86_400_000);
  const [aggregates, history] = await Promise.all([
    computeNetworkAggregates(sql),
    sql<{ taken_at: Date; total_nodes: number; online_nodes: number; latest_height: number | null; average_latency_ms: number | null; average_uptime: number | null }[]>`
      select taken_at, total_nodes, online_nodes, latest_height, average_latency_ms, average_uptime
      from network_snapshots
      where taken_at >= ${since} and taken_at <= ${now}
      order by taken_at desc
      limit ${MAX_HISTORY_POINTS}`,
  ]);
  const knownCountries = Object.keys(aggregates.countries).filter((code) => code !== 'unknown').length;
  return {
    timestamp: unixSeconds(now)!,
    total_nodes: aggregates.totalNodes,
    online_nodes: aggregates.onlineNodes,
    latest_height: aggregates.latestHeight,
    versions: aggregates.versions,
    countries_distribution: aggregates.countries,
    tiers_distribution: aggregates.tiers,
    network_health: {
      online_percentage: aggregates.totalNodes ? round((aggregates.onlineNodes / aggregates.totalNodes) * 100, 2) : null,
      countries: knownCountries,
      average_latency_ms: aggregates.averageLatencyMs,
      average_uptime_percentage: aggregates.averageUptime,
      average_pix_score: aggregates.averagePixScore,
      last_snapshot: unixSeconds(history[0]?.taken_at),
    },
    historical_data: history.reverse().map((row) => ({
      timestamp: unixSeconds(row.taken_at)!,
      total_nodes: row.total_nodes,
      online_nodes: row.online_nodes,
      latest_height: row.latest_height,
      average_latency_ms: round(row.average_latency_ms, 2),
      average_uptime_percentage: round(row.average_uptime, 2),
    })),
  };
}
