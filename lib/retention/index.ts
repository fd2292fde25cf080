import type { Sql } from '../db/client';
import { Budget } from './batch';
import { pruneCheckHistory } from './checks';
import { pruneEvents } from './events';
import { rebuildBloatedCheckIndexes } from './indexes';
import { pruneSnapshotMaps } from './snapshots';
import { DEFAULT_RETENTION_SETTINGS, type RetentionSettings } from './settings';

export { resolveRetentionSettings, DEFAULT_RETENTION_SETTINGS, type RetentionSettings } from './settings';

export interface RetentionReport {
  /** Snapshots that lost their node map or stored aggregates. */
  snapshotsSlimmed: number;
  checksThinned: number;
  checksDeleted: number;
  eventsDeleted: number;
  spansDeleted: number;
  /** node_checks indexes rebuilt (at most once a day, when thinning left them bloated). */
  indexesRebuilt: string[];
  /** done: everything due is pruned; budget: the rest waits for the next run; locked: another process is pruning. */
  stopped: 'done' | 'budget' | 'locked';
  durationMs: number;
}

export interface RetentionOptions {
  now: Date;
  settings?: RetentionSettings;
}

/**
 * Applies the retention windows (lib/retention/settings): snapshot maps, check
 * history, events and monitor spans, in short batches under an advisory lock,
 * within settings.budgetMs. The crawler runs it after every pass; a run that
 * stops early (budget, or another shard holds the lock) is finished by a later one.
 */
export async function runRetention(sql: Sql, options: RetentionOptions): Promise<RetentionReport> {
  const settings = options.settings ?? DEFAULT_RETENTION_SETTINGS;
  const started = Date.now();
  const budget = new Budget(settings.budgetMs);
  const report: RetentionReport = { snapshotsSlimmed: 0, checksThinned: 0, checksDeleted: 0, eventsDeleted: 0, spansDeleted: 0, indexesRebuilt: [], stopped: 'done', durationMs: 0 };
  const finish = (stopped: RetentionReport['stopped']) => ({ ...report, stopped, durationMs: Date.now() - started });

  const snapshots = await pruneSnapshotMaps(sql, { now: options.now, allMapsMs: settings.snapshotAllMapsMs, mapsMs: settings.snapshotMapsMs }, budget);
  report.snapshotsSlimmed = snapshots.slimmed;
  if (snapshots.stopped !== 'done') return finish(snapshots.stopped);

  const checks = await pruneCheckHistory(
    sql,
    { now: options.now, fullMs: settings.checksFullMs, sampledMs: settings.checksSampledMs, sampleMs: settings.checksSampleMs, changesMs: settings.checkChangesMs },
    budget,
  );
  report.checksThinned = checks.thinned;
  report.checksDeleted = checks.deleted;
  if (checks.stopped !== 'done') return finish(checks.stopped);

  const events = await pruneEvents(sql, { now: options.now, detailMs: settings.eventsDetailMs, eventsMs: settings.eventsMs }, budget);
  report.eventsDeleted = events.events;
  report.spansDeleted = events.spans;
  if (events.stopped !== 'done') return finish(events.stopped);
  if (!budget.exhausted) report.indexesRebuilt = await rebuildBloatedCheckIndexes(sql, options.now);
  return finish('done');
}
