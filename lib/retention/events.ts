import type { Sql } from '../db/client';
import { RELIABILITY_WINDOW_MS, DAY_MS } from '../crawler/measure/windows';
import { readProgress, retentionBatch, writeProgress, type Budget } from './batch';

const DELETE_BATCH = 20_000;

/** Events that say little once old: kept for the shorter detail window. */
export const DETAIL_EVENT_TYPES = ['height_behind', 'exception_raised', 'exception_cleared'] as const;

/** Monitor spans feed the 7- and 30-day uptime: ended spans are kept a day longer than that. */
export const MONITOR_SPAN_RETENTION_MS = RELIABILITY_WINDOW_MS + DAY_MS;

export interface EventRule {
  now: Date;
  detailMs: number;
  eventsMs: number;
}

export interface EventPruneResult {
  events: number;
  spans: number;
  stopped: 'done' | 'budget' | 'locked';
}

async function deleteInBatches(sql: Sql, budget: Budget, statement: (tx: Sql) => Promise<{ count: number }>): Promise<{ count: number; stopped: EventPruneResult['stopped'] }> {
  let total = 0;
  for (;;) {
    if (budget.exhausted) return { count: total, stopped: 'budget' };
    const count = await retentionBatch(sql, async (tx) => (await statement(tx)).count);
    if (count === null) return { count: total, stopped: 'locked' };
    total += count;
    if (count < DELETE_BATCH) return { count: total, stopped: 'done' };
  }
}

/**
 * Deletes node_events older than eventsMs, noisy ones (DETAIL_EVENT_TYPES) older
 * than detailMs, and monitor spans that ended before the 30-day uptime window.
 * Open exceptions (node_exceptions) are current state and never pruned.
 */
export async function pruneEvents(sql: Sql, rule: EventRule, budget: Budget): Promise<EventPruneResult> {
  const now = rule.now.getTime();
  const eventsCut = new Date(now - rule.eventsMs);
  const detailCut = new Date(now - rule.detailMs);
  const spansCut = new Date(now - MONITOR_SPAN_RETENTION_MS);
  const old = await deleteInBatches(sql, budget, (tx) => tx`
    delete from node_events where id in (select id from node_events where occurred_at < ${eventsCut} limit ${DELETE_BATCH}::int)`);
  if (old.stopped !== 'done') return { events: old.count, spans: 0, stopped: old.stopped };
  // Only from where the last run stopped, so the scan never walks the year of kept events again.
  const detailFrom = (await readProgress(sql, 'events_detail')) ?? new Date(0);
  const detail = await deleteInBatches(sql, budget, (tx) => tx`
    delete from node_events where id in (
      select id from node_events
      where occurred_at >= ${detailFrom} and occurred_at < ${detailCut} and type in ${tx([...DETAIL_EVENT_TYPES])}
      order by occurred_at limit ${DELETE_BATCH}::int)`);
  const events = old.count + detail.count;
  if (detail.stopped !== 'done') return { events, spans: 0, stopped: detail.stopped };
  await retentionBatch(sql, (tx) => writeProgress(tx, 'events_detail', detailCut));
  const spans = await deleteInBatches(sql, budget, (tx) => tx`
    delete from node_monitor_spans where id in (
      select id from node_monitor_spans where ended_at < ${spansCut} limit ${DELETE_BATCH}::int)`);
  return { events, spans: spans.count, stopped: spans.stopped };
}
