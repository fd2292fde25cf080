import { loadConnectionState, type ConnectionState } from '../nodes/connection-state';
import { nodeExceptions, type NodeExceptionJson } from '../events/exceptions';
import type { Sql } from '../db/client';
import { addressKey } from '../crawler/types';
import { consensusHeight } from './aggregates';
import { asnLabel, round, servicesHex, unixSeconds } from './format';
import type { NodeRef } from './node-ref';
import type { NodesQuery } from './schemas';

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
}

export const NODE_COLUMNS = [
  'id', 'ip', 'port', 'network', 'status', 'protocol_version', 'user_agent', 'services', 'height', 'hostname',
  'city', 'country', 'country_name', 'latitude', 'longitude', 'timezone', 'asn', 'organization_name', 'isp',
  'latency_ms', 'uptime_percentage', 'reliability', 'pix_score', 'tier', 'rank', 'connected_since', 'first_seen',
  'last_seen', 'verified', 'tips_enabled',
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
  status: 'up' | 'down' | 'unknown';
  last_seen: number | null;
  latency_ms: number | null;
  uptime_percentage: number | null;
  reliability: number | null;
  tier: string | null;
  pix_score: number | null;
  rank: number | null;
  is_verified: boolean;
  tips_enabled: boolean;
}

export function nodeView(row: NodeRow): NodeView {
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
    status: row.status,
    last_seen: unixSeconds(row.last_seen),
    latency_ms: round(row.latency_ms, 1),
    uptime_percentage: round(row.uptime_percentage, 2),
    reliability: round(row.reliability, 2),
    tier: row.tier,
    pix_score: round(row.pix_score, 1),
    rank: row.rank,
    is_verified: row.verified,
    tips_enabled: row.tips_enabled,
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

function nodeFilters(sql: Sql, query: NodesQuery) {
  const version = query.version;
  return sql`
    not hidden
    ${query.country ? sql`and country = ${query.country}` : sql``}
    ${query.tier ? sql`and tier = ${query.tier}` : sql``}
    ${version && /^\d{1,9}$/.test(version) ? sql`and protocol_version = ${Number(version)}` : sql``}
    ${version && !/^\d{1,9}$/.test(version) ? sql`and user_agent ilike ${`%${likeLiteral(version)}%`}` : sql``}
    ${query.verified === undefined ? sql`` : query.verified ? sql`and verified` : sql`and not verified`}
    ${query.online === undefined ? sql`` : query.online ? sql`and status = 'up'` : sql`and status <> 'up'`}`;
}

/** GET /api/nodes.json: one page of visible nodes, filtered and sorted. */
export async function listNodes(sql: Sql, query: NodesQuery, now: Date = new Date()): Promise<NodesResponse> {
  const offset = (query.page - 1) * query.limit;
  // One scan counts the matches and finds the network's consensus height.
  const [rows, [counts]] = await Promise.all([
    sql<NodeRow[]>`
      select ${sql(NODE_COLUMNS)} from nodes
      where ${nodeFilters(sql, query)}
      order by ${orderBy(sql, query.sort, query.order)}
      limit ${query.limit} offset ${offset}`,
    sql<{ total: number; latest_height: number | null }[]>`
      select count(*) filter (where ${nodeFilters(sql, query)})::int as total,
             ${consensusHeight(sql)} as latest_height
      from nodes where not hidden`,
  ]);
  const nodes: Record<string, NodeView> = {};
  for (const row of rows) nodes[nodeAddress(row)] = nodeView(row);
  return {
    timestamp: unixSeconds(now)!,
    total_nodes: counts?.total ?? 0,
    latest_height: counts?.latest_height ?? null,
    nodes,
    pagination: pagination(query.page, query.limit, counts?.total ?? 0),
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
  const row = await findNode(sql, ref);
  if (!row) return null;
  return {
    id: String(row.id),
    address: nodeAddress(row),
    ip: row.ip,
    port: row.port,
    network: row.network,
    first_seen: unixSeconds(row.first_seen),
    ...nodeView(row),
    exceptions: await nodeExceptions(sql, row.id),
    connection: await loadConnectionState(sql, String(row.id)),
  };
}
