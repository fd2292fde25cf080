import type { Sql } from '../db/client';
import { forgetLatestSnapshot } from '../api/snapshot-cache';
import { unixSeconds } from '../api/format';
import type { BitnodesSnapshotRow } from './bitnodes-format';
import { encodeSnapshotBodies } from './bodies';
import { computeSnapshotAggregates, snapshotBodyValues } from './take';
import { visibleSnapshotNodes } from './visible';

/**
 * Recomputes, in place, what the newest snapshot stores for the API (the aggregates
 * behind stats.json, countries.json and the nodes.json totals, the breakdowns, and the
 * serialised Bitnodes bodies without the nodes hidden now), after the ban/hide lists
 * changed, so every public total and list drops a hidden node at once instead of at the
 * next pass. The snapshot's own columns (its history) stay as taken. `revision` is bumped
 * in the same transaction, which is what every web process's per-snapshot cache keys on.
 * Does nothing when the newest snapshot has no stored aggregates (answers are then live).
 */
export async function refreshNewestSnapshot(sql: Sql): Promise<boolean> {
  const [newest] = await sql<{ id: string; taken_at: Date; latest_height: number | null; online_nodes: number; nodes: Record<string, BitnodesSnapshotRow> | null; hidden_count: number; precomputed: boolean }[]>`
    select network_snapshots.id, taken_at, latest_height, online_nodes, api_aggregates is not null as precomputed, ${visibleSnapshotNodes(sql)}
    order by taken_at desc, network_snapshots.id desc limit 1`;
  if (!newest?.precomputed) return false;
  const { aggregates, countriesOnline, countriesAll, nodeCounts, breakdowns } = await computeSnapshotAggregates(sql);
  const bodies = newest.nodes
    ? await encodeSnapshotBodies(
        { timestamp: unixSeconds(newest.taken_at)!, total_nodes: newest.online_nodes - newest.hidden_count, latest_height: newest.latest_height },
        newest.nodes,
      )
    : [];
  const write = async (tx: Sql) => {
    await tx`
      update network_snapshots set
        api_aggregates = ${tx.json(aggregates as never)},
        countries_online = ${tx.json(countriesOnline as never)},
        countries_all = ${tx.json(countriesAll as never)},
        node_counts = ${tx.json(nodeCounts as never)},
        stats_breakdowns = ${tx.json(breakdowns as never)},
        revision = revision + 1
      where id = ${newest.id}`;
    await tx`delete from snapshot_bodies where snapshot_id = ${newest.id}`;
    if (bodies.length > 0) {
      await tx`
        insert into snapshot_bodies (snapshot_id, field, tag, body, body_gzip, body_br)
        select ${newest.id}, variant.field, variant.tag, variant.body, variant.body_gzip, variant.body_br
        from (values ${snapshotBodyValues(tx, bodies)}) as variant (field, tag, body, body_gzip, body_br)`;
    }
  };
  // Inside a caller's transaction (the ban routes) use it; otherwise open one.
  if ('savepoint' in sql) await write(sql);
  else await sql.begin((tx) => write(tx as unknown as Sql));
  forgetLatestSnapshot();
  return true;
}
