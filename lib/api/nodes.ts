import { loadConnectionState, type ConnectionState } from '../nodes/connection-state';
import { nodeExceptions, type NodeExceptionJson } from '../events/exceptions';
import type { Sql } from '../db/client';
import { addressKey } from '../crawler/types';
import { consensusHeight } from './aggregates';
import { asnLabel, round, servicesHex, unixSeconds } from './format';
import type { NodeRef } from './node-ref';
import { countedFilters, filtersKey, storedNodeCounts, sumNodeCounts } from './node-counts';
import { nodeSearchConditions } from './node-search';
import { nodesQuerySchema, type NodesQuery } from './schemas';
import { cachedPerSnapshot, latestSnapshot } from './snapshot-cache';
import { reachabilityCondition, type Reachability } from '../nodes/reachability';
import { classifyVersion, type VersionClasses, type VersionStatus } from '../versions/classes';
import { loadVersionClassesForRequest, versionStatusCondition } from '../versions/store';

/** The columns every node view reads. */
export interface NodeRow {
  id: string;
  ip: string;
  port: number;
  network: string;
  status: 'up' | 'down' | 'unknown';
  protocol_version: number | null;
  user_agent: string | null;
  services: string | null;
  height: number | null;
  hostname: string | null;
  city: string | null;
  country: string | null;
  country_name: string | null;
  latitude: number | null;
  longitude: number | null;
  timezone: string | null;
  asn: number | null;
  organization_name: string | null;
  isp: string | null;
  latency_ms: number | null;
  uptime_percentage: number | null;
  reliability: number | null;
  pix_score: number | null;
  tier: string | null;
  rank: number | null;
  connected_since: Date | null;
  first_seen: Date;
  last_seen: Date | null;
  verified: boolean;
  tips_enabled: boolean;
  /** generated: up / reachable / down / unknown (lib/nodes/reachability) */
  reachability: Reachability;
  /** generated from user_agent (lib/versions/parse) */
  client_name: string | null;
  client_version: number[] | null;
}

export const NODE_COLUMNS = [
  'id', 'ip', 'port', 'network', 'status', 'protocol_version', 'user_agent', 'services', 'height', 'hostname',
  'city', 'country', 'country_name', 'latitude', 'longitude', 'timezone', 'asn', 'organization_name', 'isp',
  'latency_ms', 'uptime_percentage', 'reliability', 'pix_score', 'tier', 'rank', 'connected_since', 'first_seen',
  'last_seen', 'verified', 'tips_enabled', 'reachability', 'client_name', 'client_version',
] as const;

/**
 * One node as /api/nodes.json shows it (times in unix seconds, services as 16 hex
 * digits, ASN as "AS123"). Measurements are rounded for output: PIX to 1 decimal,
 * coordinates to 4, latency to 1, uptime and reliability to 2.
 */
export interface NodeView {
  protocol_version: number | null;
  user_agent: string | null;
  connected_since: number | null;
  services: string | null;
  height: number | null;
  hostname: string | null;
  city: string | null;
  country: string | null;
  country_name: string | null;
  latitude: number | null;
  longitude: number | null;
  timezone: string | null;
  /** "AS15169" */
  asn: string | null;
  organization_name: string | null;
  /** the ISP when known, else the ASN's organisation */
  isp: string | null;
  /** up (handshake completed), reachable (TCP accepted, no handshake), down, unknown (never probed) */
  status: Reachability;
  last_seen: number | null;
  latency_ms: number | null;
  uptime_percentage: number | null;
  reliability: number | null;
  tier: string | null;
  pix_score: number | null;
  rank: number | null;
  is_verified: boolean;
  tips_enabled: boolean;
  /** Extra (issue 17): current (up to date), outdated, critical or unknown, by the chain's version classes. */
  version_status: VersionStatus;
}

export function nodeView(row: NodeRow, classes: VersionClasses): NodeView {
  return {
    protocol_version: row.protocol_version,
    user_agent: row.user_agent,
    connected_since: unixSeconds(row.connected_since),
    services: servicesHex(row.services),
    height: row.height,
    hostname: row.hostname,
    city: row.city,
    country: row.country,
    country_name: row.country_name,
    latitude: round(row.latitude, 4),
    longitude: round(row.longitude, 4),
    timezone: row.timezone,
    asn: asnLabel(row.asn),
    organization_name: row.organization_name,
    isp: row.isp ?? row.organization_name,
    status: row.reachability,
    last_seen: unixSeconds(row.last_seen),
    latency_ms: round(row.latency_ms, 1),
    uptime_percentage: round(row.uptime_percentage, 2),
    reliability: round(row.reliability, 2),
    tier: row.tier,
    pix_score: round(row.pix_score, 1),
    rank: row.rank,
    is_verified: row.verified,
    tips_enabled: row.tips_enabled,
    version_status: classifyVersion(
      row.client_name !== null && row.client_version !== null ? { client: row.client_name, version: row.client_version } : null,
      classes,
    ),
  };
}

export function nodeAddress(row: Pick<NodeRow, 'ip' | 'port'>): string {
  return addressKey({ host: row.ip, port: row.port });
}

export interface Pagination {
  page: number;
  limit: number;
  total: number;
  total_pages: number;
}

export function pagination(page: number, limit: number, total: number): Pagination {
  return { page, limit, total, total_pages: Math.ceil(total / limit) };
}

export interface NodesResponse {
  /** unix seconds of the response */
  timestamp: number;
  /** visible nodes matching the filters (the same number as pagination.total) */
  total_nodes: number;
  /** consensus height: the most common height of reachable nodes */
  latest_height: number | null;
  nodes: Record<string, NodeView>;
  pagination: Pagination;
}

/** Escapes LIKE wildcards so user input matches literally. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * ORDER BY for each sort. Nulls always sort last; id breaks ties so pages never
 * overlap or skip. The desc forms match the nodes_*_idx indexes of the schema,
 * the asc forms the ones added in 20261124200000_api_indexes.sql.
 */
function orderBy(sql: Sql, sort: NodesQuery['sort'], order: NodesQuery['order']) {
  const desc = order === 'desc';
  switch (sort) {
    case 'last_seen':
      return desc ? sql`last_seen desc nulls last, id` : sql`last_seen asc nulls last, id`;
    case 'first_seen':
      return desc ? sql`first_seen desc, id` : sql`first_seen asc, id`;
    case 'pix_score':
      return desc ? sql`pix_score desc nulls last, id` : sql`pix_score asc nulls last, id`;
    case 'uptime_percentage':
      return desc ? sql`uptime_percentage desc nulls last, id` : sql`uptime_percentage asc nulls last, id`;
    case 'tier':
      return desc ? sql`tier_order desc, pix_score desc nulls last, id` : sql`tier_order asc, pix_score asc nulls last, id`;
  }
}

/** The WHERE of nodes.json: composable fragments, each on an index (exported for the plan tests). */
export function nodeFilters(sql: Sql, query: NodesQuery, classes: VersionClasses | null) {
  const version = query.version;
  return sql`
    not hidden
    ${query.country ? sql`and country = ${query.country}` : sql``}
    ${query.tier ? sql`and tier = ${query.tier}` : sql``}
    ${version && /^\d{1,9}$/.test(version) ? sql`and protocol_version = ${Number(version)}` : sql``}
    ${version && !/^\d{1,9}$/.test(version) ? sql`and user_agent ilike ${`%${likeLiteral(version)}%`}` : sql``}
    ${query.verified === undefined ? sql`` : query.verified ? sql`and verified` : sql`and not verified`}
    ${query.online === undefined ? sql`` : query.online ? sql`and status = 'up'` : sql`and status <> 'up'`}
    ${nodeSearchConditions(sql, query)}
    ${query.status ? sql`and ${reachabilityCondition(sql, query.status)}` : sql``}
    ${query.version_status && classes ? sql`and ${versionStatusCondition(sql, classes, query.version_status)}` : sql``}`;
}

/** The visible nodes: the base of every nodes.json filter (and of the counts stored with each snapshot). */
export function visibleNodesFilter(sql: Sql) {
  return nodeFilters(sql, nodesQuerySchema.parse({}), null);
}

/**
 * How many visible nodes match the query's filters: summed from the counts stored
 * with the newest snapshot when they cover every filter, else counted exactly, once
 * per snapshot, filter combination and process (lib/api/snapshot-cache). Live counts
 * before the first snapshot. Totals are as of the newest snapshot, like stats.json.
 */
async function countNodes(sql: Sql, query: NodesQuery, classes: VersionClasses | null): Promise<number> {
  const newest = await latestSnapshot(sql);
  const counted = countedFilters(query);
  const exact = async () => {
    const [row] = await nodesCountQuery(sql, query, classes);
    return row?.total ?? 0;
  };
  if (!newest?.precomputed) return exact();
  if (counted) {
    const counts = await cachedPerSnapshot(sql, 'nodes.json counts', () => storedNodeCounts(sql, newest.id), Date.now(), { ttlMs: Number.POSITIVE_INFINITY });
    if (counts) return sumNodeCounts(counts, counted);
  }
  const { page: _page, limit: _limit, sort: _sort, order: _order, ...filters } = query;
  // The version classes an admin sets are part of what a version_status filter means.
  const classesKey = query.version_status ? ` classes ${JSON.stringify(classes)}` : '';
  return cachedPerSnapshot(sql, `nodes.json count ${filtersKey(filters)}${classesKey}`, exact);
}

/** The consensus height of the newest snapshot; computed live before the first one. */
async function latestHeight(sql: Sql): Promise<number | null> {
  const newest = await latestSnapshot(sql);
  if (newest) return newest.latestHeight;
  const [row] = await sql<{ latest_height: number | null }[]>`select ${consensusHeight(sql)} as latest_height from nodes where not hidden`;
  return row?.latest_height ?? null;
}

/** The page query of nodes.json (the benchmark checks its plan for every filter and sort). */
export function nodesPageQuery(sql: Sql, query: NodesQuery, classes: VersionClasses | null = null) {
  return sql<NodeRow[]>`
    select ${sql(NODE_COLUMNS)} from nodes
    where ${nodeFilters(sql, query, classes)}
    order by ${orderBy(sql, query.sort, query.order)}
    limit ${query.limit} offset ${(query.page - 1) * query.limit}`;
}

/** The exact count of nodes.json, for filters the stored counts do not cover. */
export function nodesCountQuery(sql: Sql, query: NodesQuery, classes: VersionClasses | null = null) {
  return sql<{ total: number }[]>`select count(*)::int as total from nodes where ${nodeFilters(sql, query, classes)}`;
}

/** GET /api/nodes.json: one page of visible nodes, filtered and sorted; no count or aggregate per request. */
export async function listNodes(sql: Sql, query: NodesQuery, now: Date = new Date()): Promise<NodesResponse> {
  // The classes are needed before the queries only to filter by them.
  const pendingClasses = loadVersionClassesForRequest(sql);
  const filterClasses = query.version_status ? await pendingClasses : null;
  const [rows, total, height, classes] = await Promise.all([
    nodesPageQuery(sql, query, filterClasses),
    countNodes(sql, query, filterClasses),
    latestHeight(sql),
    pendingClasses,
  ]);
  const nodes: Record<string, NodeView> = {};
  for (const row of rows) nodes[nodeAddress(row)] = nodeView(row, classes);
  return {
    timestamp: unixSeconds(now)!,
    total_nodes: total,
    latest_height: height,
    nodes,
    pagination: pagination(query.page, query.limit, total),
  };
}

/** A visible node by numeric id or address; null when unknown or hidden. */
export async function findNode(sql: Sql, ref: NodeRef): Promise<NodeRow | null> {
  const [row] =
    ref.kind === 'id'
      ? await sql<NodeRow[]>`select ${sql(NODE_COLUMNS)} from nodes where id = ${ref.id} and not hidden`
      : await sql<NodeRow[]>`select ${sql(NODE_COLUMNS)} from nodes where ip = ${ref.ip} and port = ${ref.port} and not hidden`;
  return row ?? null;
}

export interface NodeDetail extends NodeView {
  /** the numeric id, as a string like every id in the API */
  id: string;
  address: string;
  ip: string;
  port: number;
  network: string;
  first_seen: number | null;
  /** Open exceptions (live monitor): offline, behind_tip, … with since-when. */
  exceptions: NodeExceptionJson[];
  /** The crawler's connection state: last attempt and success, failures in a row, next retry, last error class. */
  connection: ConnectionState | null;
}

/** GET /api/nodes/{id}. */
export async function getNodeDetail(sql: Sql, ref: NodeRef): Promise<NodeDetail | null> {
  const [row, classes] = await Promise.all([findNode(sql, ref), loadVersionClassesForRequest(sql)]);
  if (!row) return null;
  return {
    id: String(row.id),
    address: nodeAddress(row),
    ip: row.ip,
    port: row.port,
    network: row.network,
    first_seen: unixSeconds(row.first_seen),
    ...nodeView(row, classes),
    exceptions: await nodeExceptions(sql, row.id),
    connection: await loadConnectionState(sql, String(row.id)),
  };
}
