import { activeChain } from '../chains';
import type { Sql } from '../db/client';
import { PreparedJson } from './etag';
import { cachedPerSnapshot } from './snapshot-cache';
import { loadSnapshotBody } from '../snapshots/bodies';
import { BITNODES_INDEX_KEYS, computeBitnodesIndices, type BitnodesIndices } from './bitnodes-indices';
import { bitnodesRow } from '../snapshots/take';
import { bitnodesSnapshotBody, type BitnodesSnapshotBody, type BitnodesSnapshotRow } from '../snapshots/bitnodes-format';
import { round, unixSeconds } from './format';
import { getRankedNodes } from './leaderboard';
import { nodeAddress, type NodeRow } from './nodes';
import type { BitnodesAddressesQuery, BitnodesListQuery, BitnodesSnapshotQuery } from './schemas';

/**
 * Bitnodes API v1 shapes (https://bitnodes.io/api/): paged lists are
 * {count, next, previous, results}; snapshot nodes are positional arrays in
 * BITNODES_SNAPSHOT_FIELDS order; times are unix seconds.
 */

export interface BitnodesPage<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

function pageUrl(base: URL, page: number, limit: number, extra: Record<string, string>): string {
  const url = new URL(base.pathname, base);
  for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
  url.searchParams.set('page', String(page));
  url.searchParams.set('limit', String(limit));
  return url.toString();
}

/** `base` is the list's public URL (lib/api/base-url publicUrl); `extra` query parameters are kept in the links. */
export function bitnodesPage<T>(base: URL, query: BitnodesListQuery, count: number, results: T[], extra: Record<string, string> = {}): BitnodesPage<T> {
  const pages = Math.ceil(count / query.limit);
  return {
    count,
    next: query.page < pages ? pageUrl(base, query.page + 1, query.limit, extra) : null,
    previous: query.page > 1 ? pageUrl(base, Math.min(query.page - 1, Math.max(pages, 1)), query.limit, extra) : null,
    results,
  };
}

export interface BitnodesSnapshotSummary {
  url: string;
  timestamp: number;
  total_nodes: number;
  latest_height: number | null;
}

/**
 * GET /api/v1/snapshots/: newest first, the snapshots that still hold a node map (lib/retention keeps one per
 * pass for a day, then one per day for 60 days). total_nodes is the snapshot's reachable (online) count, as Bitnodes.
 */
export async function listBitnodesSnapshots(sql: Sql, query: BitnodesListQuery, base: URL): Promise<BitnodesPage<BitnodesSnapshotSummary>> {
  const [rows, [count]] = await Promise.all([
    sql<{ taken_at: Date; online_nodes: number; latest_height: number | null }[]>`
      select taken_at, online_nodes, latest_height from network_snapshots
      where nodes is not null
      order by taken_at desc, id desc
      limit ${query.limit} offset ${(query.page - 1) * query.limit}`,
    sql<{ total: number }[]>`select count(*)::int as total from network_snapshots where nodes is not null`,
  ]);
  const results = rows.map((row) => {
    const timestamp = unixSeconds(row.taken_at)!;
    return { url: new URL(`${base.pathname.replace(/\/?$/, '/')}${timestamp}/`, base).toString(), timestamp, total_nodes: row.online_nodes, latest_height: row.latest_height };
  });
  return bitnodesPage(base, query, count?.total ?? 0, results);
}

export type BitnodesSnapshot = BitnodesSnapshotBody;

/**
 * A stored snapshot's node map without the nodes hidden now (admin bans and hides apply to
 * history too), and how many it dropped: keys of hidden nodes (a partial index) removed in SQL.
 */
function visibleSnapshotNodes(sql: Sql) {
  return sql`
    nodes - hidden.keys as nodes,
    (select count(*) from unnest(hidden.keys) as key where network_snapshots.nodes ? key)::int as hidden_count
    from (select coalesce(array_agg(case when ip like '%:%' then '[' || ip || ']:' || port else ip || ':' || port end), '{}') as keys
          from nodes where hidden) as hidden, network_snapshots`;
}

/**
 * GET /api/v1/snapshots/latest/ and /api/v1/snapshots/{timestamp}/ (the snapshot
 * taken within that second). `field=coordinates` or `field=user_agents` returns only
 * that list, as Bitnodes does. Null when there is no such snapshot, or its node map was dropped by retention
 * (its summary stays in /api/stats.json's history).
 */
export async function getBitnodesSnapshot(
  sql: Sql,
  at: 'latest' | number,
  query: BitnodesSnapshotQuery,
): Promise<BitnodesSnapshot | null> {
  const [row] =
    at === 'latest'
      ? await sql<{ taken_at: Date; online_nodes: number; latest_height: number | null; nodes: Record<string, BitnodesSnapshotRow> | null; hidden_count: number }[]>`
          select taken_at, online_nodes, latest_height, ${visibleSnapshotNodes(sql)} order by taken_at desc, id desc limit 1`
      : await sql<{ taken_at: Date; online_nodes: number; latest_height: number | null; nodes: Record<string, BitnodesSnapshotRow> | null; hidden_count: number }[]>`
          select taken_at, online_nodes, latest_height, ${visibleSnapshotNodes(sql)}
          where taken_at >= to_timestamp(${at}) and taken_at < to_timestamp(${at + 1}) and network_snapshots.nodes is not null
          order by taken_at desc, id desc limit 1`;
  if (!row) return null;
  const head = { timestamp: unixSeconds(row.taken_at)!, total_nodes: row.online_nodes - row.hidden_count, latest_height: row.latest_height };
  return bitnodesSnapshotBody(head, row.nodes ?? {}, query.field ?? '');
}

/**
 * GET /api/v1/snapshots/latest/: the bytes the snapshot writer stored (snapshot_bodies:
 * JSON, gzip, brotli, tag), loaded once per snapshot and process, so requests neither
 * parse the stored nodes nor stringify them. A snapshot without stored bodies (taken
 * before them) is serialised once per process instead.
 */
export async function getLatestBitnodesSnapshot(sql: Sql, query: BitnodesSnapshotQuery): Promise<PreparedJson | null> {
  const field = query.field ?? '';
  return cachedPerSnapshot(
    sql,
    `v1/snapshots/latest?field=${field}`,
    async (newest) => {
      const stored = newest ? await loadSnapshotBody(sql, newest.id, field) : null;
      if (stored) return stored;
      const snapshot = await getBitnodesSnapshot(sql, 'latest', query);
      return snapshot ? PreparedJson.cached(snapshot) : null;
    },
    Date.now(),
    { ttlMs: Number.POSITIVE_INFINITY },
  );
}

/**
 * GET /api/v1/snapshots/{timestamp}/: the stored bytes when that snapshot still has
 * them (the newest ones; kept in memory until a newer snapshot lands), else the
 * snapshot serialised for this request.
 */
export async function getBitnodesSnapshotAt(sql: Sql, timestamp: number, query: BitnodesSnapshotQuery): Promise<PreparedJson | BitnodesSnapshot | null> {
  const field = query.field ?? '';
  const [row] = await sql<{ id: string }[]>`
    select s.id from network_snapshots s
    where s.taken_at >= to_timestamp(${timestamp}) and s.taken_at < to_timestamp(${timestamp + 1})
      and exists (select 1 from snapshot_bodies b where b.snapshot_id = s.id)
    order by s.taken_at desc, s.id desc limit 1`;
  if (row) {
    const stored = await cachedPerSnapshot(sql, `v1/snapshots/${row.id}?field=${field}`, () => loadSnapshotBody(sql, row.id, field), Date.now(), {
      ttlMs: Number.POSITIVE_INFINITY,
    });
    if (stored) return stored;
  }
  return getBitnodesSnapshot(sql, timestamp, query);
}

export interface BitnodesNode {
  hostname: string;
  address: string;
  status: 'UP' | 'DOWN' | 'UNKNOWN';
  data: BitnodesSnapshotRow;
  bitcoin_address: string;
  url: string;
  verified: boolean;
  mbps: string;
}

/** GET /api/v1/nodes/{address}-{port}/. */
export function bitnodesNode(row: NodeRow): BitnodesNode {
  return {
    hostname: row.hostname ?? '',
    address: row.ip,
    status: row.status.toUpperCase() as BitnodesNode['status'],
    data: bitnodesRow(row),
    bitcoin_address: '',
    url: '',
    verified: row.verified,
    mbps: '',
  };
}

export interface BitnodesLeaderboardEntry extends BitnodesIndices {
  node: string;
  peer_index: string;
  rank: number;
  tier: string | null;
  uptime_percentage: number | null;
  latency_ms: number | null;
}

async function leaderboardEntries(sql: Sql, rows: NodeRow[]): Promise<BitnodesLeaderboardEntry[]> {
  const indices = await computeBitnodesIndices(sql, rows.map((row) => String(row.id)), activeChain().defaultPort);
  return rows.map((row) => leaderboardEntry(row, indices.get(String(row.id))!));
}

/**
 * Bitnodes' keys in Bitnodes' order (node, the 14 indices, peer_index, rank), then
 * tier, uptime_percentage and latency_ms. peer_index is Peerscope's PIX score (0–1000).
 */
function leaderboardEntry(row: NodeRow, indices: BitnodesIndices): BitnodesLeaderboardEntry {
  return {
    node: nodeAddress(row),
    ...Object.fromEntries(BITNODES_INDEX_KEYS.map((key) => [key, indices[key]])) as BitnodesIndices,
    peer_index: (row.pix_score ?? 0).toFixed(4),
    rank: row.rank!,
    tier: row.tier,
    uptime_percentage: round(row.uptime_percentage, 2),
    latency_ms: round(row.latency_ms, 1),
  };
}

/** GET /api/v1/nodes/leaderboard/: peer_index is the PIX score, as a string like Bitnodes' indices. */
export async function getBitnodesLeaderboard(sql: Sql, query: BitnodesListQuery, base: URL): Promise<BitnodesPage<BitnodesLeaderboardEntry>> {
  const { rows, total } = await getRankedNodes(sql, query.page, query.limit);
  return bitnodesPage(base, query, total, await leaderboardEntries(sql, rows));
}

/** GET /api/v1/nodes/leaderboard/{address}-{port}/: one ranked node's entry; null when the node is not ranked. */
export async function bitnodesLeaderboardEntry(sql: Sql, row: NodeRow): Promise<BitnodesLeaderboardEntry | null> {
  if (row.status !== 'up' || row.rank === null) return null;
  const [entry] = await leaderboardEntries(sql, [row]);
  return entry ?? null;
}

export interface BitnodesAddress {
  address: string;
  port: number;
}

/**
 * GET /api/v1/addresses/: every address the crawler has observed (reachable or not,
 * moderated ones excepted), oldest first. `q` is the bounded pattern of
 * addressPatternSchema, run as a LIKE with every character literal.
 */
export async function listBitnodesAddresses(sql: Sql, query: BitnodesAddressesQuery, base: URL): Promise<BitnodesPage<BitnodesAddress>> {
  const where = query.q ? sql`not hidden and ip like ${query.q.like}` : sql`not hidden`;
  const [rows, [count]] = await Promise.all([
    sql<{ ip: string; port: number }[]>`
      select ip, port from nodes where ${where}
      order by id limit ${query.limit} offset ${(query.page - 1) * query.limit}`,
    sql<{ total: number }[]>`select count(*)::int as total from nodes where ${where}`,
  ]);
  return bitnodesPage(base, query, count?.total ?? 0, rows.map((row) => ({ address: row.ip, port: row.port })), query.q ? { q: query.q.raw } : {});
}

export interface LatencyPoint {
  /** unix seconds of the bucket start */
  t: number;
  /** average handshake latency in ms over the bucket's successful checks; -1 when every check failed */
  v: number;
}

export interface BitnodesLatency {
  daily_latency: LatencyPoint[];
  weekly_latency: LatencyPoint[];
  monthly_latency: LatencyPoint[];
}

async function latencySeries(sql: Sql, nodeId: string, now: Date, spanSeconds: number, bucketSeconds: number): Promise<LatencyPoint[]> {
  const since = new Date(now.getTime() - spanSeconds * 1000);
  const rows = await sql<{ t: string; v: number | null }[]>`
    select (floor(extract(epoch from checked_at) / ${bucketSeconds}) * ${bucketSeconds})::bigint as t,
           avg(latency_ms) filter (where status = 'up') as v
    from node_checks
    where node_id = ${nodeId} and checked_at > ${since} and checked_at <= ${now}
    group by 1 order by 1`;
  return rows.map((row) => ({ t: Number(row.t), v: row.v === null ? -1 : round(row.v, 0)! }));
}

/**
 * GET /api/v1/nodes/{address}-{port}/latency/: hourly points over the last day,
 * 6-hourly over the last week, daily over the last 30 days, from node_checks.
 */
export async function getBitnodesLatency(sql: Sql, nodeId: string, now: Date = new Date()): Promise<BitnodesLatency> {
  const [daily, weekly, monthly] = await Promise.all([
    latencySeries(sql, nodeId, now, 86_400, 3_600),
    latencySeries(sql, nodeId, now, 7 * 86_400, 6 * 3_600),
    latencySeries(sql, nodeId, now, 30 * 86_400, 86_400),
  ]);
  return { daily_latency: daily, weekly_latency: weekly, monthly_latency: monthly };
}
