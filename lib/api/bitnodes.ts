import { activeChain } from '../chains';
import type { Sql } from '../db/client';
import { PreparedJson } from './etag';
import { cachedPerSnapshot } from './snapshot-cache';
import { loadSnapshotBody } from '../snapshots/bodies';
import { visibleSnapshotNodes } from '../snapshots/visible';
import { formatMbps } from '../monitor/throughput';
import { BITNODES_INDEX_KEYS, computeBitnodesIndexValues, fixed, formatIndices, peerIndex, type BitnodesIndexValues, type BitnodesIndices } from './bitnodes-indices';
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

/**
 * GET /api/v1/nodes/{address}-{port}/. mbps is the monitor's mean receive rate over the
 * connection's last 128 samples (lib/monitor/throughput), "" when the node is not up or
 * was never measured.
 */
export function bitnodesNode(row: NodeRow, mbps: number | null = null): BitnodesNode {
  return {
    hostname: row.hostname ?? '',
    address: row.ip,
    status: row.status.toUpperCase() as BitnodesNode['status'],
    data: bitnodesRow(row),
    bitcoin_address: '',
    url: '',
    verified: row.verified,
    mbps: row.status === 'up' ? formatMbps(mbps) : '',
  };
}

/** The node status with its stored receive rate. */
export async function getBitnodesNode(sql: Sql, row: NodeRow): Promise<BitnodesNode> {
  const [stored] = await sql<{ mbps: number | null }[]>`select monitor_mbps as mbps from nodes where id = ${row.id}`;
  return bitnodesNode(row, stored?.mbps ?? null);
}

export interface BitnodesLeaderboardEntry extends BitnodesIndices {
  node: string;
  peer_index: string;
  rank: number;
  tier: string | null;
  uptime_percentage: number | null;
  latency_ms: number | null;
}

interface StoredEntryRow extends BitnodesIndexValues {
  ip: string;
  port: number;
  peer_index: number;
  rank: number;
  tier: string | null;
  uptime_percentage: number | null;
  latency_ms: number | null;
}

/** Bitnodes' keys in Bitnodes' order (node, the 14 indices, peer_index, rank), then tier, uptime_percentage and latency_ms. */
function entryOf(row: Pick<NodeRow, 'ip' | 'port' | 'tier' | 'uptime_percentage' | 'latency_ms'>, values: BitnodesIndexValues, pix: number, rank: number): BitnodesLeaderboardEntry {
  return {
    node: nodeAddress(row),
    ...formatIndices(values),
    peer_index: fixed(pix),
    rank,
    tier: row.tier,
    uptime_percentage: round(row.uptime_percentage, 2),
    latency_ms: round(row.latency_ms, 1),
  };
}

const storedEntry = (row: StoredEntryRow) =>
  entryOf(row, Object.fromEntries(BITNODES_INDEX_KEYS.map((key) => [key, row[key]])) as BitnodesIndexValues, row.peer_index, row.rank);

/** Whether the daily Peer Index (lib/peer-index/job) has been computed at least once. */
async function hasStoredPeerIndex(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ any: boolean }[]>`select exists (select 1 from bitnodes_peer_index_runs) as any`;
  return row?.any === true;
}

/** Before the first daily computation: the indices of PIX-ranked nodes computed for this page. */
async function liveEntries(sql: Sql, rows: NodeRow[]): Promise<BitnodesLeaderboardEntry[]> {
  const values = await computeBitnodesIndexValues(sql, rows.map((row) => String(row.id)), activeChain().defaultPort);
  return rows.map((row) => {
    const indices = values.get(String(row.id))!;
    return entryOf(row, indices, peerIndex(indices), row.rank!);
  });
}

/**
 * GET /api/v1/nodes/leaderboard/: the daily Peer Index (bitnodes_peer_index), by rank.
 * Until it has been computed once, PIX-ranked nodes with their indices computed live.
 */
export async function getBitnodesLeaderboard(sql: Sql, query: BitnodesListQuery, base: URL): Promise<BitnodesPage<BitnodesLeaderboardEntry>> {
  if (!(await hasStoredPeerIndex(sql))) {
    const { rows, total } = await getRankedNodes(sql, query.page, query.limit);
    return bitnodesPage(base, query, total, await liveEntries(sql, rows));
  }
  const [rows, [count]] = await Promise.all([
    sql<StoredEntryRow[]>`
      select n.ip, n.port, n.tier, n.uptime_percentage, n.latency_ms, p.*
      from bitnodes_peer_index p join nodes n on n.id = p.node_id and not n.hidden
      order by p.rank, p.node_id
      limit ${query.limit} offset ${(query.page - 1) * query.limit}`,
    sql<{ total: number }[]>`select count(*)::int as total from bitnodes_peer_index p join nodes n on n.id = p.node_id and not n.hidden`,
  ]);
  return bitnodesPage(base, query, count?.total ?? 0, rows.map(storedEntry));
}

/** GET /api/v1/nodes/leaderboard/{address}-{port}/: one ranked node's entry; null when the node is not ranked. */
export async function bitnodesLeaderboardEntry(sql: Sql, row: NodeRow): Promise<BitnodesLeaderboardEntry | null> {
  if (!(await hasStoredPeerIndex(sql))) {
    if (row.status !== 'up' || row.rank === null) return null;
    const [entry] = await liveEntries(sql, [row]);
    return entry ?? null;
  }
  const [stored] = await sql<StoredEntryRow[]>`
    select n.ip, n.port, n.tier, n.uptime_percentage, n.latency_ms, p.*
    from bitnodes_peer_index p join nodes n on n.id = p.node_id and not n.hidden
    where p.node_id = ${row.id}`;
  return stored ? storedEntry(stored) : null;
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
  /** average RTT in ms over the bucket; 0 reachable but no RTT data; -1 unreachable */
  v: number;
}

export interface BitnodesLatency {
  daily_latency: LatencyPoint[];
  weekly_latency: LatencyPoint[];
  monthly_latency: LatencyPoint[];
}

/** Bitnodes' spacing: daily every 15 min over a day, weekly hourly over a week, monthly daily over about a year. */
export const LATENCY_SERIES = {
  daily_latency: { spanSeconds: 86_400, bucketSeconds: 900 },
  weekly_latency: { spanSeconds: 7 * 86_400, bucketSeconds: 3_600 },
  monthly_latency: { spanSeconds: 365 * 86_400, bucketSeconds: 86_400 },
} as const;

/** v of one bucket: the average latency (at least 1 ms) when measured, else 0 if the node was reachable, else -1. */
export function latencyValue(averageMs: number | null, reachable: boolean): number {
  if (averageMs !== null && Number.isFinite(averageMs)) return Math.max(1, Math.round(averageMs));
  return reachable ? 0 : -1;
}

async function latencySeries(sql: Sql, nodeId: string, now: Date, spanSeconds: number, bucketSeconds: number): Promise<LatencyPoint[]> {
  const since = new Date(now.getTime() - spanSeconds * 1000);
  const rows = await sql<{ t: string; v: number | null; up: boolean }[]>`
    with grid as (
      select g::bigint as t
      from generate_series(floor(extract(epoch from ${since}::timestamptz) / ${bucketSeconds}) * ${bucketSeconds},
                           floor(extract(epoch from ${now}::timestamptz) / ${bucketSeconds}) * ${bucketSeconds}, ${bucketSeconds}) as g
    ), checks as (
      select (floor(extract(epoch from checked_at) / ${bucketSeconds}) * ${bucketSeconds})::bigint as t,
             avg(latency_ms) filter (where status = 'up' and latency_ms is not null) as v,
             bool_or(status = 'up') as up
      from node_checks
      where node_id = ${nodeId} and checked_at > ${since} and checked_at <= ${now}
      group by 1
    ), spans as (
      select g.t, bool_or(s.state = 'up') as up
      from grid g
      join node_monitor_spans s on s.node_id = ${nodeId}
        and s.started_at < to_timestamp(g.t + ${bucketSeconds}) and coalesce(s.ended_at, ${now}::timestamptz) > to_timestamp(g.t)
      group by g.t
    )
    select g.t::text as t, c.v, coalesce(c.up, false) or coalesce(sp.up, false) as up
    from grid g left join checks c on c.t = g.t left join spans sp on sp.t = g.t
    where c.t is not null or sp.t is not null
    order by g.t`;
  return rows.map((row) => ({ t: Number(row.t), v: latencyValue(row.v, row.up) }));
}

/**
 * GET /api/v1/nodes/{address}-{port}/latency/ ("Node RTT"): at Bitnodes' spacing, from
 * the crawler's probes (latency) and the monitor's connection spans (reachability);
 * buckets with neither are left out.
 */
export async function getBitnodesLatency(sql: Sql, nodeId: string, now: Date = new Date()): Promise<BitnodesLatency> {
  const [daily, weekly, monthly] = await Promise.all(
    Object.values(LATENCY_SERIES).map(({ spanSeconds, bucketSeconds }) => latencySeries(sql, nodeId, now, spanSeconds, bucketSeconds)),
  );
  return { daily_latency: daily!, weekly_latency: weekly!, monthly_latency: monthly! };
}
