import type { Sql } from '../db/client';
import { addressKey } from '../crawler/types';
import type { NodeRef } from '../api/node-ref';
import type { EventType, NodeEventJson } from './types';

export interface EventFilter {
  types?: EventType[];
  node?: NodeRef;
  /** Unix seconds. */
  since?: number;
}

interface EventRow {
  id: string;
  type: EventType;
  node_id: string;
  ip: string | null;
  port: number | null;
  occurred_at: Date;
  details: Record<string, unknown>;
}

function toJson(row: EventRow): NodeEventJson {
  return {
    id: String(row.id),
    type: row.type,
    node_id: String(row.node_id),
    node: row.ip !== null && row.port !== null ? addressKey({ host: row.ip, port: row.port }) : null,
    occurred_at: Math.floor(row.occurred_at.getTime() / 1000),
    details: row.details ?? {},
  };
}

function filterSql(sql: Sql, filter: EventFilter) {
  const node = filter.node;
  return sql`
    ${filter.types ? sql`and e.type = any(${filter.types}::text[])` : sql``}
    ${node?.kind === 'id' ? sql`and e.node_id = ${node.id}::bigint` : sql``}
    ${node?.kind === 'address' ? sql`and e.node_id = (select id from nodes where ip = ${node.ip} and port = ${node.port})` : sql``}
    ${filter.since !== undefined ? sql`and e.occurred_at >= to_timestamp(${filter.since})` : sql``}`;
}

/** Newest first, ids below `before` (keyset paging); next_before is null on the last page. */
export async function listEvents(
  sql: Sql,
  filter: EventFilter & { limit: number; before?: number },
): Promise<{ events: NodeEventJson[]; next_before: string | null }> {
  const rows = await sql<EventRow[]>`
    select e.id, e.type, e.node_id, n.ip, n.port, e.occurred_at, e.details
    from node_events e left join nodes n on n.id = e.node_id
    where true ${filter.before !== undefined ? sql`and e.id < ${filter.before}` : sql``} ${filterSql(sql, filter)}
    order by e.id desc
    limit ${filter.limit + 1}`;
  const page = rows.slice(0, filter.limit).map(toJson);
  return { events: page, next_before: rows.length > filter.limit ? page.at(-1)!.id : null };
}

/** Oldest first, ids above `after`: what a stream or a poller has not seen yet. */
export async function eventsAfter(sql: Sql, after: number, filter: EventFilter, limit: number): Promise<NodeEventJson[]> {
  const rows = await sql<EventRow[]>`
    select e.id, e.type, e.node_id, n.ip, n.port, e.occurred_at, e.details
    from node_events e left join nodes n on n.id = e.node_id
    where e.id > ${after} ${filterSql(sql, filter)}
    order by e.id
    limit ${limit}`;
  return rows.map(toJson);
}

/** The newest event id (0 when there is none): where a fresh stream starts. */
export async function latestEventId(sql: Sql): Promise<number> {
  const [row] = await sql<{ id: string | null }[]>`select max(id) as id from node_events`;
  return row?.id ? Number(row.id) : 0;
}

/** Whether an event matches a filter, for fan-out of events already read (node by id only; addresses resolved by the caller). */
export function matchesFilter(event: NodeEventJson, filter: { types?: EventType[]; nodeId?: string; since?: number }): boolean {
  if (filter.types && !filter.types.includes(event.type)) return false;
  if (filter.nodeId !== undefined && event.node_id !== filter.nodeId) return false;
  if (filter.since !== undefined && event.occurred_at < filter.since) return false;
  return true;
}
