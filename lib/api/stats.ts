import type { Sql } from '../db/client';
import { TimestampedJson } from './etag';
import { cachedPerSnapshot } from './snapshot-cache';
import { computeNetworkAggregates, type NetworkAggregates } from './aggregates';
import { FILTERABLE_SERVICE_FLAGS } from '../p2p/service-flags';
import { NODE_NETWORKS } from './node-search';
import { computeStatsBreakdowns, storedStatsBreakdowns, type StatsBreakdowns } from './breakdowns';
import { computeClassAggregates, type ClassAggregates } from './class-aggregates';
import { REACHABILITY_STATES, type Reachability } from '../nodes/reachability';
import { VERSION_STATUSES, type VersionStatus } from '../versions/classes';
import { publicVersionClasses, type PublicVersionClasses } from '../versions/public';
import { round, unixSeconds } from './format';
import { TIERS, type StatsQuery, type Tier } from './schemas';

/** GET /api/stats.json: the spec's shape, plus the breakdowns of issue 15 (lib/api/breakdowns). */
export interface StatsResponse extends StatsBreakdownFields {
  timestamp: number;
  /** visible nodes known to the crawler */
  total_nodes: number;
  /** visible nodes up now */
  available_nodes: number;
  /** countries with an online node */
  countries: number;
  /** user agent → online nodes ("unknown" for none) */
  versions: Record<string, number>;
  /** ISO code → online nodes and the country's name */
  countries_distribution: Record<string, { count: number; name: string }>;
  /** every tier → online nodes, zeros included */
  tiers_distribution: Record<Tier, number>;
  network_health: {
    /** 0–100, docs/scoring.md */
    health_score: number;
    average_uptime: number | null;
    average_latency: number | null;
    verified_nodes: number;
    tips_enabled_nodes: number;
  };
  latest_height: number | null;
  historical_data: {
    timestamp: number;
    total_nodes: number;
    available_nodes: number;
    average_uptime: number | null;
    countries: number;
  }[];
  /** Extra (issue 17): visible nodes per reachability state: up, reachable (TCP only), down, unknown (never probed). */
  status_distribution: Record<Reachability, number>;
  /** Extra (issue 17): online nodes per version class, zeros included. */
  version_status_distribution: Record<VersionStatus, number>;
  /** Extra (issue 17): the version classes these counts used. */
  version_classes: PublicVersionClasses;
}

/** The breakdown fields stats.json adds to the spec's (online_nodes is the same as available_nodes, so left out). */
export type StatsBreakdownFields = Omit<StatsBreakdowns, 'online_nodes'>;

function inOrder<K extends string>(keys: readonly K[], counts: Record<K, number>): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, counts[key] ?? 0])) as Record<K, number>;
}

/** In a fixed order (stored breakdowns come back from jsonb with their keys reordered). */
function breakdownFields(stored: StatsBreakdowns): StatsBreakdownFields {
  return {
    networks_distribution: inOrder(NODE_NETWORKS, stored.networks_distribution),
    asn_distribution: stored.asn_distribution,
    asn_others: stored.asn_others,
    asn_unknown: stored.asn_unknown,
    services_distribution: inOrder(FILTERABLE_SERVICE_FLAGS, stored.services_distribution),
    protocol_versions: stored.protocol_versions,
    regions_distribution: stored.regions_distribution,
    regions_unknown: stored.regions_unknown,
  };
}

/** At most this many history points (newest kept) whatever `days` asks. */
export const MAX_HISTORY_POINTS = 2000;

/** The aggregates stored with the newest snapshot; null when it has none. */
async function storedAggregates(sql: Sql): Promise<NetworkAggregates | null> {
  const [row] = await sql<{ api_aggregates: NetworkAggregates | null }[]>`
    select api_aggregates from network_snapshots order by taken_at desc, id desc limit 1`;
  return row?.api_aggregates ?? null;
}

/**
 * GET /api/stats.json: the network aggregates stored with the newest snapshot (so a
 * request does no aggregate work; they are as fresh as the last crawl pass), computed
 * live before there is one, plus the snapshot history of the last `days` days, oldest first.
 */
export async function getStats(sql: Sql, query: StatsQuery, now: Date = new Date()): Promise<StatsResponse> {
  const { body } = await cachedStats(sql, query, now);
  return { ...body, timestamp: unixSeconds(now)! };
}

/** GET /api/stats.json serialised (and tagged) once per snapshot and process: what the route sends. */
export async function getStatsAnswer(sql: Sql, query: StatsQuery, now: Date = new Date()): Promise<TimestampedJson> {
  return (await cachedStats(sql, query, now)).json;
}

function cachedStats(sql: Sql, query: StatsQuery, now: Date): Promise<{ body: StatsResponse; json: TimestampedJson }> {
  return cachedPerSnapshot(sql, `stats.json?days=${query.days}`, async () => {
    const body = await buildStats(sql, query, now);
    return { body, json: new TimestampedJson(body as unknown as { timestamp: number } & Record<string, unknown>) };
  });
}

async function buildStats(sql: Sql, query: StatsQuery, now: Date): Promise<StatsResponse> {
  const since = new Date(now.getTime() - query.days * 86_400_000);
  const [aggregates, history, breakdowns] = await Promise.all([
    storedAggregates(sql).then((stored) => stored ?? computeNetworkAggregates(sql)),
    sql<{ taken_at: Date; total_nodes: number; online_nodes: number; average_uptime: number | null; countries: number }[]>`
      select taken_at, total_nodes, online_nodes, average_uptime,
             (select count(*) from jsonb_object_keys(coalesce(countries, '{}'::jsonb)) as code where code <> 'unknown')::int as countries
      from network_snapshots
      where taken_at >= ${since} and taken_at <= ${now}
      order by taken_at desc
      limit ${MAX_HISTORY_POINTS}`,
    storedStatsBreakdowns(sql).then((stored) => stored ?? computeStatsBreakdowns(sql)),
  ]);
  // Snapshots taken before the class aggregates existed: those parts live.
  const classes: ClassAggregates =
    aggregates.versionClasses && aggregates.versionStatus && aggregates.reachability && aggregates.versionDetected
      ? (aggregates as ClassAggregates)
      : await computeClassAggregates(sql);
  const countriesDistribution: StatsResponse['countries_distribution'] = {};
  for (const [code, count] of Object.entries(aggregates.countries)) {
    const name = aggregates.countryNames[code];
    if (name !== undefined) countriesDistribution[code] = { count, name };
  }
  const tiers = Object.fromEntries(TIERS.map((tier) => [tier, aggregates.tiers[tier] ?? 0])) as Record<Tier, number>;
  return {
    timestamp: unixSeconds(now)!,
    total_nodes: aggregates.totalNodes,
    available_nodes: aggregates.onlineNodes,
    countries: Object.keys(countriesDistribution).length,
    versions: aggregates.versions,
    countries_distribution: countriesDistribution,
    tiers_distribution: tiers,
    network_health: {
      health_score: aggregates.healthScore,
      average_uptime: round(aggregates.averageUptime, 1),
      average_latency: round(aggregates.averageLatencyMs, 1),
      verified_nodes: aggregates.verifiedNodes,
      tips_enabled_nodes: aggregates.tipsEnabledNodes,
    },
    latest_height: aggregates.latestHeight,
    historical_data: history.reverse().map((row) => ({
      timestamp: unixSeconds(row.taken_at)!,
      total_nodes: row.total_nodes,
      available_nodes: row.online_nodes,
      average_uptime: round(row.average_uptime, 1),
      countries: row.countries,
    })),
    ...breakdownFields(breakdowns),
    // In a fixed order (stored jsonb does not keep key order), zeros included.
    status_distribution: Object.fromEntries(REACHABILITY_STATES.map((state) => [state, classes.reachability[state] ?? 0])) as Record<Reachability, number>,
    version_status_distribution: Object.fromEntries(VERSION_STATUSES.map((status) => [status, classes.versionStatus[status] ?? 0])) as Record<VersionStatus, number>,
    version_classes: publicVersionClasses(classes.versionClasses),
  };
}
