import type { Sql } from '../db/client';
import type { NewNodeEvent } from './types';

/**
 * Inserts a batch of events in one statement (one NOTIFY for the batch, see
 * the migration). Events of nodes deleted meanwhile are skipped, so one stale
 * node cannot fail the batch. Returns how many were written.
 */
export async function insertEvents(sql: Sql, events: readonly NewNodeEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const result = await sql`
    insert into node_events (node_id, type, occurred_at, details)
    select e.node_id, e.type, e.occurred_at, e.details
    from jsonb_to_recordset(${sql.json(events.map((event) => ({
      node_id: event.nodeId,
      type: event.type,
      occurred_at: event.occurredAt.toISOString(),
      details: event.details,
    })) as never)}::jsonb) as e(node_id bigint, type text, occurred_at timestamptz, details jsonb)
    where exists (select 1 from nodes n where n.id = e.node_id)
    order by e.occurred_at`;
  return result.count;
}

/** Deletes events older than the retention; returns how many. */
export async function pruneEvents(sql: Sql, olderThan: Date): Promise<number> {
  const result = await sql`delete from node_events where occurred_at < ${olderThan}`;
  return result.count;
}
