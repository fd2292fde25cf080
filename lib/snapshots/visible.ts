import type { Sql } from '../db/client';

/**
 * The select-list tail and FROM of a query over network_snapshots that yields each
 * snapshot's node map without the nodes hidden now (admin bans and hides apply to
 * history too) and how many it dropped: keys of hidden nodes (a partial index) removed in SQL.
 * Use as `select taken_at, …, ${visibleSnapshotNodes(sql)} where … order by …`.
 */
export function visibleSnapshotNodes(sql: Sql) {
  return sql`
    network_snapshots.nodes - hidden.keys as nodes,
    (select count(*) from unnest(hidden.keys) as key where network_snapshots.nodes ? key)::int as hidden_count
    from (select coalesce(array_agg(case when ip like '%:%' then '[' || ip || ']:' || port else ip || ':' || port end), '{}') as keys
          from nodes where hidden) as hidden, network_snapshots`;
}
