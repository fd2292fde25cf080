import type { Sql } from '../db/client';
import { retentionBatch, type Budget } from './batch';

/** Snapshots slimmed per statement: each can free megabytes of node map. */
const SNAPSHOT_BATCH = 50;

export interface SnapshotRule {
  now: Date;
  /** Younger snapshots keep everything. */
  allMapsMs: number;
  /** Between allMapsMs and this age the first snapshot of each UTC day keeps its node map. */
  mapsMs: number;
}

export interface SnapshotPruneResult {
  /** Snapshots that lost their node map and stored API aggregates (the summary stays). */
  slimmed: number;
  stopped: 'done' | 'budget' | 'locked';
}

/**
 * Downsamples network_snapshots: every snapshot keeps its summary (counts, height,
 * averages, versions, countries, tiers) forever; its node map (`nodes`) and the
 * stored API aggregates (read from the newest snapshot only) are kept for
 * allMapsMs; then only the first snapshot with a map of each UTC day keeps its
 * map, until mapsMs; older snapshots are summary only. The newest snapshot is
 * never touched. Idempotent: a second run changes nothing.
 */
export async function pruneSnapshotMaps(sql: Sql, rule: SnapshotRule, budget: Budget): Promise<SnapshotPruneResult> {
  const allCut = new Date(rule.now.getTime() - rule.allMapsMs);
  const mapsCut = new Date(rule.now.getTime() - rule.mapsMs);
  let slimmed = 0;
  for (;;) {
    if (budget.exhausted) return { slimmed, stopped: 'budget' };
    const count = await retentionBatch(sql, async (tx) => {
      const result = await tx`
        with keep as (
          select distinct on ((taken_at at time zone 'UTC')::date) id
          from network_snapshots
          where nodes is not null and taken_at < ${allCut} and taken_at >= ${mapsCut}
          order by (taken_at at time zone 'UTC')::date, taken_at, id
        ), newest as (
          select id from network_snapshots order by taken_at desc, id desc limit 1
        ), victims as (
          select s.id, s.id in (select id from keep) as keeps_map
          from network_snapshots s
          where s.taken_at < ${allCut}
            and s.id not in (select id from newest)
            and (s.api_aggregates is not null or s.countries_online is not null or s.countries_all is not null
                 or (s.nodes is not null and s.id not in (select id from keep)))
          order by s.taken_at, s.id
          limit ${SNAPSHOT_BATCH}
        )
        update network_snapshots s
        set nodes = case when v.keeps_map then s.nodes else null end,
            api_aggregates = null, countries_online = null, countries_all = null
        from victims v
        where s.id = v.id`;
      return result.count;
    });
    if (count === null) return { slimmed, stopped: 'locked' };
    slimmed += count;
    if (count < SNAPSHOT_BATCH) return { slimmed, stopped: 'done' };
  }
}
