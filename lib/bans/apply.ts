import type { Sql } from '../db/client';
import { refreshNewestSnapshot } from '../snapshots/refresh';

/**
 * Brings the nodes' list flags (banned, list_hidden → hidden) in step with the active
 * entries of node_bans (SQL function refresh_node_lists: index joins, only listed nodes
 * are touched), so expired entries stop applying at the next call. When a node changed,
 * what the newest snapshot stores for the API (stats.json, countries.json, the nodes.json
 * totals, the Bitnodes bodies) is recomputed (lib/snapshots/refresh), so totals drop the
 * node at once in every web process; the snapshot's own columns (history) stay as taken.
 * Returns how many nodes changed.
 */
export async function refreshNodeLists(sql: Sql): Promise<number> {
  const [row] = await sql<{ changed: number }[]>`select refresh_node_lists() as changed`;
  const changed = row?.changed ?? 0;
  if (changed > 0) await refreshNewestSnapshot(sql);
  return changed;
}
