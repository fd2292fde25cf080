import type { Sql } from '../db/client';

/** One open exception of a node (lib/monitor/exceptions defines the kinds), as the API shows it. */
export interface NodeExceptionJson {
  kind: string;
  /** Unix seconds. */
  since: number;
  details: Record<string, unknown>;
}

/** A node's open exceptions, oldest first. */
export async function nodeExceptions(sql: Sql, nodeId: string | number): Promise<NodeExceptionJson[]> {
  const rows = await sql<{ kind: string; since: Date; details: Record<string, unknown> }[]>`
    select kind, since, details from node_exceptions where node_id = ${String(nodeId)} order by since, kind`;
  return rows.map((row) => ({ kind: row.kind, since: Math.floor(row.since.getTime() / 1000), details: row.details ?? {} }));
}
