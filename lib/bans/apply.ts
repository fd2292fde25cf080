import { computeCountryRows } from '../api/countries';
import { computeNetworkAggregates } from '../api/aggregates';
import { clearSnapshotCache } from '../api/snapshot-cache';
import type { Sql } from '../db/client';

/**
 * Brings the nodes' list flags (banned, list_hidden → hidden) in step with the active
 * entries of node_bans (SQL function refresh_node_lists: index joins, only listed nodes
 * are touched), so expired entries stop applying at the next call. When a node changed,
 * the aggregates stored with the newest snapshot (what stats.json and countries.json
 * serve until the next pass) are recomputed, so totals drop the node at once; the
 * snapshot's own columns (history) stay as taken.
 * Returns how many nodes changed.
 */
export async function refreshNodeLists(sql: Sql): Promise<number> {
  const [row] = await sql<{ changed: number }[]>`select refresh_node_lists() as changed`;
  const changed = row?.changed ?? 0;
  if (changed > 0) await refreshNewestSnapshotAggregates(sql);
  return changed;
}

async function refreshNewestSnapshotAggregates(sql: Sql): Promise<void> {
  const [newest] = await sql<{ id: string; precomputed: boolean }[]>`
    select id, api_aggregates is not null as precomputed from network_snapshots order by taken_at desc, id desc limit 1`;
  if (!newest?.precomputed) return;
  const [aggregates, countriesOnline, countriesAll] = await Promise.all([
    computeNetworkAggregates(sql),
    computeCountryRows(sql, true),
    computeCountryRows(sql, false),
  ]);
  await sql`
    update network_snapshots set
      api_aggregates = ${sql.json(aggregates as never)},
      countries_online = ${sql.json(countriesOnline as never)},
      countries_all = ${sql.json(countriesAll as never)}
    where id = ${newest.id}`;
  clearSnapshotCache();
}
