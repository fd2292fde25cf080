import type { Sql } from '../db/client';
import { readProgress, retentionBatch, writeProgress, type BatchSql, type Budget } from './batch';

const HOUR_MS = 3_600_000;
/** Rows deleted per statement in the final (age) stage. */
const DELETE_BATCH = 20_000;
/** Sample slots are aligned on this origin (date_bin). */
const SLOT_ORIGIN = new Date('2000-01-01T00:00:00Z');

export interface CheckRule {
  now: Date;
  /** Younger checks are all kept. */
  fullMs: number;
  /** Up to this age one check per node per sample slot and every status change are kept. */
  sampledMs: number;
  sampleMs: number;
  /** Up to this age status changes are kept; older checks are deleted. */
  changesMs: number;
}

export interface CheckPruneResult {
  /** Checks removed by downsampling (sampled and changes-only stages). */
  thinned: number;
  /** Checks deleted for age. */
  deleted: number;
  stopped: 'done' | 'budget' | 'locked';
}

/** The start of the sample slot holding `time`. */
export function slotStart(time: Date, slotMs: number): Date {
  const offset = time.getTime() - SLOT_ORIGIN.getTime();
  return new Date(SLOT_ORIGIN.getTime() + Math.floor(offset / slotMs) * slotMs);
}

/** Range one thinning statement covers: at least an hour, a whole number of sample slots. */
export function rangeLength(slotMs: number): number {
  return Math.ceil(HOUR_MS / slotMs) * slotMs;
}

/**
 * Thins the checks of [from, to): deletes every check whose status equals the
 * node's previous check (so every status change, and with it every downtime's
 * start and end, stays) and, when sampleMs is given, that is not the first
 * check of its node's sample slot. The previous check of the first row in the
 * range is read from before `from`: earlier thinning keeps the first check of
 * every run of equal statuses, so that status is the original one.
 */
export async function thinCheckRange(tx: BatchSql, from: Date, to: Date, sampleMs: number | null): Promise<number> {
  const slotSeconds = (sampleMs ?? HOUR_MS) / 1000;
  const result = await tx`
    with ranged as (
      select id, node_id, status,
             lag(status) over (partition by node_id order by checked_at, id) as prev,
             row_number() over (partition by node_id, date_bin(make_interval(secs => ${slotSeconds}::float8), checked_at, ${SLOT_ORIGIN}::timestamptz)
                                order by checked_at, id) as nth
      from node_checks
      where checked_at >= ${from} and checked_at < ${to}
    ), judged as (
      select id, status, nth,
             case when prev is not null then prev
                  else (select p.status from node_checks p
                        where p.node_id = ranged.node_id and p.checked_at < ${from}
                        order by p.checked_at desc, p.id desc limit 1) end as before
      from ranged
    )
    delete from node_checks c using judged j
    where c.id = j.id and j.before = j.status and (${sampleMs === null}::boolean or j.nth > 1)`;
  return result.count;
}

async function oldestCheck(sql: Sql): Promise<Date | null> {
  const [row] = await sql<{ oldest: Date | null }[]>`select min(checked_at) as oldest from node_checks`;
  return row?.oldest ?? null;
}

/** Runs one ranged stage from its progress mark up to `until`, range by range, within the budget. */
async function thinStage(
  sql: Sql,
  stage: string,
  until: Date,
  slotMs: number,
  sampleMs: number | null,
  budget: Budget,
): Promise<{ thinned: number; stopped: CheckPruneResult['stopped'] }> {
  const mark = (await readProgress(sql, stage)) ?? (await oldestCheck(sql));
  if (!mark) return { thinned: 0, stopped: 'done' };
  let from = slotStart(mark, slotMs);
  const step = rangeLength(slotMs);
  let thinned = 0;
  while (from < until) {
    if (budget.exhausted) return { thinned, stopped: 'budget' };
    const to = new Date(Math.min(from.getTime() + step, until.getTime()));
    const count = await retentionBatch(sql, async (tx) => {
      const deleted = await thinCheckRange(tx, from, to, sampleMs);
      await writeProgress(tx, stage, to);
      return deleted;
    });
    if (count === null) return { thinned, stopped: 'locked' };
    thinned += count;
    from = to;
  }
  return { thinned, stopped: 'done' };
}

/**
 * Downsamples node_checks in three age bands (README, "Retention"): all checks
 * while younger than fullMs; then one per node per sample slot plus every status
 * change until sampledMs; then status changes only until changesMs; older ones
 * are deleted. Each band is processed in short ranges from where the last run
 * stopped (retention_progress), so a run costs what the pass added.
 */
export async function pruneCheckHistory(sql: Sql, rule: CheckRule, budget: Budget): Promise<CheckPruneResult> {
  const now = rule.now.getTime();
  // Sampled ranges end on a slot boundary so a slot is never split between two runs.
  const sampledUntil = slotStart(new Date(now - rule.fullMs), rule.sampleMs);
  const sampled = await thinStage(sql, 'checks_sampled', sampledUntil, rule.sampleMs, rule.sampleMs, budget);
  if (sampled.stopped !== 'done') return { thinned: sampled.thinned, deleted: 0, stopped: sampled.stopped };
  const changesUntil = slotStart(new Date(now - rule.sampledMs), HOUR_MS);
  const changes = await thinStage(sql, 'checks_changes', changesUntil, HOUR_MS, null, budget);
  const thinned = sampled.thinned + changes.thinned;
  if (changes.stopped !== 'done') return { thinned, deleted: 0, stopped: changes.stopped };

  const olderThan = new Date(now - rule.changesMs);
  let deleted = 0;
  for (;;) {
    if (budget.exhausted) return { thinned, deleted, stopped: 'budget' };
    const count = await retentionBatch(sql, async (tx) => {
      const result = await tx`
        delete from node_checks
        where id in (select id from node_checks where checked_at < ${olderThan} limit ${DELETE_BATCH}::int)`;
      return result.count;
    });
    if (count === null) return { thinned, deleted, stopped: 'locked' };
    deleted += count;
    if (count < DELETE_BATCH) return { thinned, deleted, stopped: 'done' };
  }
}
