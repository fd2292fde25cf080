import type { Sql } from '../db/client';
import { servicesHex, unixSeconds } from './format';
import { pagination, type Pagination } from './nodes';
import type { DowntimesQuery, NodeChecksQuery } from './schemas';

export interface NodeCheckView {
  checked_at: number;
  status: 'up' | 'down';
  latency_ms: number | null;
  protocol_version: number | null;
  user_agent: string | null;
  services: string | null;
  height: number | null;
}

export interface NodeChecksResponse {
  node: string;
  from: number | null;
  to: number | null;
  checks: NodeCheckView[];
  pagination: Pagination;
}

/** GET /api/nodes/{id}/snapshots: a node's probe history, newest first, optionally within [from, to] (unix seconds). */
export async function getNodeChecks(sql: Sql, node: { id: string; address: string }, query: NodeChecksQuery): Promise<NodeChecksResponse> {
  const from = query.from === undefined ? null : new Date(query.from * 1000);
  const to = query.to === undefined ? null : new Date(query.to * 1000);
  const where = sql`
    node_id = ${node.id}
    ${from ? sql`and checked_at >= ${from}` : sql``}
    ${to ? sql`and checked_at <= ${to}` : sql``}`;
  const [rows, [count]] = await Promise.all([
    sql<{ checked_at: Date; status: 'up' | 'down'; latency_ms: number | null; protocol_version: number | null; user_agent: string | null; services: string | null; height: number | null }[]>`
      select checked_at, status, latency_ms, protocol_version, user_agent, services, height
      from node_checks where ${where}
      order by checked_at desc, id desc
      limit ${query.limit} offset ${(query.page - 1) * query.limit}`,
    sql<{ total: number }[]>`select count(*)::int as total from node_checks where ${where}`,
  ]);
  return {
    node: node.address,
    from: query.from ?? null,
    to: query.to ?? null,
    checks: rows.map((row) => ({
      checked_at: unixSeconds(row.checked_at)!,
      status: row.status,
      latency_ms: row.latency_ms,
      protocol_version: row.protocol_version,
      user_agent: row.user_agent,
      services: servicesHex(row.services),
      height: row.height,
    })),
    pagination: pagination(query.page, query.limit, count?.total ?? 0),
  };
}

export interface DowntimeRow {
  /** unix seconds of the first failed check */
  start: number;
  /** unix seconds of the first successful check after it; null while still down */
  end: number | null;
  /** seconds from start to end (to now while still down) */
  duration: number;
}

/** jqGrid-style page: page, total (pages), records (rows in all), rows. */
export interface DowntimesResponse {
  page: number;
  total: number;
  rowsperpage: number;
  records: number;
  rows: DowntimeRow[];
}

/**
 * GET /api/nodes/{id}/downtimes: the node's down periods, newest first. A period
 * starts at a 'down' check that follows an 'up' one (or begins the history) and
 * ends at the next 'up' check.
 */
export async function getNodeDowntimes(sql: Sql, nodeId: string, query: DowntimesQuery, now: Date = new Date()): Promise<DowntimesResponse> {
  const perPage = query.rows ?? query.rowsperpage;
  const periods = sql`
    with marked as (
      select id, checked_at, status,
             case when status is distinct from lag(status) over (order by checked_at, id) then 1 else 0 end as change
      from node_checks where node_id = ${nodeId}
    ), runs as (
      select checked_at, status, sum(change) over (order by checked_at, id rows unbounded preceding) as run
      from marked
    ), spans as (
      select run, min(status) as status, min(checked_at) as started_at from runs group by run
    )
    select d.started_at, u.started_at as ended_at
    from spans d left join spans u on u.run = d.run + 1
    where d.status = 'down'`;
  const [rows, [count]] = await Promise.all([
    sql<{ started_at: Date; ended_at: Date | null }[]>`
      select * from (${periods}) p order by started_at desc
      limit ${perPage} offset ${(query.page - 1) * perPage}`,
    sql<{ records: number }[]>`select count(*)::int as records from (${periods}) p`,
  ]);
  const records = count?.records ?? 0;
  return {
    page: query.page,
    total: Math.ceil(records / perPage),
    rowsperpage: perPage,
    records,
    rows: rows.map((row) => {
      const end = row.ended_at ?? now;
      return {
        start: unixSeconds(row.started_at)!,
        end: unixSeconds(row.ended_at),
        duration: Math.max(0, Math.round((end.getTime() - row.started_at.getTime()) / 1000)),
      };
    }),
  };
}
