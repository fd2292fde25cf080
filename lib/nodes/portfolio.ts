import { z } from 'zod';
import type { Sql } from '../db/client';
import { likeLiteral } from '../api/node-search';
import type { Tier } from '../api/schemas';
import { toCsv, type CsvCell } from '../http/csv';
import type { MyNode } from './register';

/**
 * "My nodes" as a portfolio (issue 15, after the Horizen tracker's my-nodes API):
 * filters on the node list, one paged list of downtimes and exceptions across all
 * of a user's nodes (Horizen's paged envelope: page, total = pages, rowsperpage,
 * records = matching rows, rows), and CSV exports of both.
 */

const format = z.enum(['json', 'csv']).default('json');
/** The tiers (lib/api/schemas TIERS; not imported, since lib/api/schemas imports this module's importer). */
const TIERS = ['diamond', 'gold', 'silver', 'bronze', 'standard'] as const satisfies readonly Tier[];

export const myNodesQuerySchema = z.object({
  status: z.enum(['up', 'down', 'unknown']).optional(),
  /** a tier, or `none` for nodes without one yet */
  tier: z.enum([...TIERS, 'none']).optional(),
  /** case-insensitive substring of the label (literal) */
  label: z.string().trim().min(1).max(80).optional(),
  format,
});
export type MyNodesQuery = z.infer<typeof myNodesQuerySchema>;

/** `and …` conditions on `n` (nodes) and `un` (user_nodes) for the my-nodes filters. */
export function myNodesConditions(sql: Sql, filters: Partial<MyNodesQuery>) {
  return sql`
    ${filters.status ? sql`and n.status = ${filters.status}` : sql``}
    ${filters.tier === undefined ? sql`` : filters.tier === 'none' ? sql`and n.tier is null` : sql`and n.tier = ${filters.tier}`}
    ${filters.label ? sql`and un.label ilike ${`%${likeLiteral(filters.label)}%`}` : sql``}`;
}

export const INCIDENT_TYPES = ['downtime', 'exception'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];
/** Most rows a CSV export holds (newest first). */
export const MAX_CSV_ROWS = 10_000;

export const myIncidentsQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  /** rows per page (Horizen's `rows`) */
  rows: z.coerce.number().int().min(1).max(100).default(20),
  /** one of my nodes, by id */
  nid: z.string().trim().regex(/^[1-9][0-9]{0,18}$/, 'must be a node id').optional(),
  type: z.enum(INCIDENT_TYPES).optional(),
  /** open or closed; Horizen's o and c too */
  status: z.enum(['open', 'closed', 'o', 'c']).transform((value) => (value === 'o' ? 'open' : value === 'c' ? 'closed' : value)).optional(),
  format,
});
export type MyIncidentsQuery = z.infer<typeof myIncidentsQuerySchema>;

export interface Incident {
  /** "d<check id>" for a downtime, "e<event id>" (or "x<node>-<kind>") for an exception */
  id: string;
  type: IncidentType;
  /** "offline" for a downtime, the exception kind (lib/monitor/exceptions) otherwise */
  kind: string;
  /** the node id */
  nid: string;
  address: string;
  /** the node's hostname (Horizen's fqdn) */
  fqdn: string | null;
  label: string | null;
  /** ISO 8601 */
  start: string;
  /** ISO 8601; null while open */
  end: string | null;
  /** milliseconds from start to end (to now while open), as Horizen counts */
  duration: number;
  open: boolean;
}

/** Horizen's paged envelope. */
export interface IncidentPage {
  page: number;
  /** pages */
  total: number;
  rowsperpage: number;
  /** matching rows in all pages */
  records: number;
  rows: Incident[];
}

interface IncidentRow {
  id: string;
  type: IncidentType;
  kind: string;
  node_id: string;
  ip: string;
  port: number;
  hostname: string | null;
  label: string | null;
  started_at: Date;
  ended_at: Date | null;
}

/**
 * The incidents of a user's nodes: downtimes as the node page derives them from the
 * crawler's checks (a run of 'down' checks, ended by the next 'up' one), and
 * exceptions from the monitor's exception_raised events, each ended by the next
 * exception_cleared of the same kind (open ones whose event is gone come from
 * node_exceptions).
 */
function incidentsQuery(sql: Sql, userId: string, query: Pick<MyIncidentsQuery, 'nid' | 'type' | 'status'>) {
  const wantDowntimes = query.type !== 'exception';
  const wantExceptions = query.type !== 'downtime';
  return sql`
    with mine as (
      select n.id as node_id, n.ip, n.port, n.hostname, un.label
      from user_nodes un join nodes n on n.id = un.node_id
      where un.user_id = ${userId} ${query.nid ? sql`and n.id = ${query.nid}` : sql``}
    ), marked as (
      select c.node_id, c.id, c.checked_at, c.status,
             case when c.status is distinct from lag(c.status) over (partition by c.node_id order by c.checked_at, c.id) then 1 else 0 end as change
      from node_checks c
      where ${wantDowntimes ? sql`true` : sql`false`} and c.node_id in (select node_id from mine)
    ), runs as (
      select node_id, id, checked_at, status,
             sum(change) over (partition by node_id order by checked_at, id rows unbounded preceding) as run
      from marked
    ), spans as (
      select node_id, run, min(status) as status, min(checked_at) as started_at, min(id) as first_id
      from runs group by node_id, run
    ), incidents as (
      select 'd' || d.first_id as id, 'downtime'::text as type, 'offline'::text as kind, d.node_id,
             d.started_at, u.started_at as ended_at
      from spans d left join spans u on u.node_id = d.node_id and u.run = d.run + 1
      where d.status = 'down'
      union all
      select 'e' || r.id, 'exception', r.details->>'kind', r.node_id, r.occurred_at,
             (select c.occurred_at from node_events c
              where c.node_id = r.node_id and c.type = 'exception_cleared' and c.details->>'kind' = r.details->>'kind' and c.id > r.id
              order by c.id limit 1)
      from node_events r
      where ${wantExceptions ? sql`true` : sql`false`} and r.node_id in (select node_id from mine) and r.type = 'exception_raised'
      union all
      select 'x' || e.node_id || '-' || e.kind, 'exception', e.kind, e.node_id, e.since, null
      from node_exceptions e
      where ${wantExceptions ? sql`true` : sql`false`} and e.node_id in (select node_id from mine)
        and not exists (select 1 from node_events r where r.node_id = e.node_id and r.type = 'exception_raised'
                        and r.details->>'kind' = e.kind and r.occurred_at = e.since)
    )
    select i.id, i.type, i.kind, i.node_id::text as node_id, m.ip, m.port, m.hostname, m.label, i.started_at, i.ended_at
    from incidents i join mine m on m.node_id = i.node_id
    where true
      ${query.status === 'open' ? sql`and i.ended_at is null` : query.status === 'closed' ? sql`and i.ended_at is not null` : sql``}`;
}

function presentIncident(row: IncidentRow, now: Date): Incident {
  const end = row.ended_at ?? now;
  return {
    id: row.id,
    type: row.type,
    kind: row.kind,
    nid: row.node_id,
    address: row.ip.includes(':') ? `[${row.ip}]:${row.port}` : `${row.ip}:${row.port}`,
    fqdn: row.hostname,
    label: row.label,
    start: row.started_at.toISOString(),
    end: row.ended_at ? row.ended_at.toISOString() : null,
    duration: Math.max(0, end.getTime() - row.started_at.getTime()),
    open: row.ended_at === null,
  };
}

/** One page of the incidents of all my nodes, newest first. */
export async function listMyIncidents(sql: Sql, userId: string, query: MyIncidentsQuery, now: Date = new Date()): Promise<IncidentPage> {
  const base = incidentsQuery(sql, userId, query);
  const [rows, [count]] = await Promise.all([
    sql<IncidentRow[]>`select * from (${base}) q order by started_at desc, id desc limit ${query.rows} offset ${(query.page - 1) * query.rows}`,
    sql<{ records: number }[]>`select count(*)::int as records from (${base}) q`,
  ]);
  const records = count?.records ?? 0;
  return {
    page: query.page,
    total: Math.ceil(records / query.rows),
    rowsperpage: query.rows,
    records,
    rows: rows.map((row) => presentIncident(row, now)),
  };
}

/** Every matching incident (newest first, at most MAX_CSV_ROWS) as CSV. */
export async function myIncidentsCsv(sql: Sql, userId: string, query: MyIncidentsQuery, now: Date = new Date()): Promise<string> {
  const rows = await sql<IncidentRow[]>`
    select * from (${incidentsQuery(sql, userId, query)}) q order by started_at desc, id desc limit ${MAX_CSV_ROWS}`;
  const header = ['id', 'type', 'kind', 'node_id', 'address', 'hostname', 'label', 'start', 'end', 'duration_ms', 'open'] as const;
  return toCsv(header, rows.map((row) => {
    const incident = presentIncident(row, now);
    return [incident.id, incident.type, incident.kind, incident.nid, incident.address, incident.fqdn, incident.label,
      incident.start, incident.end, incident.duration, incident.open ? 'yes' : 'no'] satisfies CsvCell[];
  }));
}

/** The my-nodes list as CSV: one row per node. */
export function myNodesCsv(nodes: MyNode[]): string {
  const header = ['id', 'address', 'label', 'status', 'tier', 'pix_score', 'verified', 'user_agent', 'protocol_version', 'height',
    'latency_ms', 'uptime_percentage', 'country', 'city', 'asn', 'open_exceptions', 'last_seen', 'registered_at'] as const;
  return toCsv(header, nodes.map((node) => [
    node.id, node.ip.includes(':') ? `[${node.ip}]:${node.port}` : `${node.ip}:${node.port}`, node.displayName, node.status, node.tier,
    node.pixScore, node.isVerified ? 'yes' : 'no', node.userAgent, node.protocolVersion, node.height, node.latencyMs,
    node.uptimePercentage, node.country, node.city, node.asn, node.exceptions.map((exception) => exception.kind).join(' '),
    node.lastSeen, node.registeredAt,
  ]));
}
