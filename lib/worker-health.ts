import type { Sql } from './db/client';
import { seedsAllFailed, type LatestCrawlRun } from './crawler/runs';

/**
 * Liveness of the crawler and the monitor for /api/health (pure functions over what
 * they write: crawler_runs, crawler_heartbeats, monitor_heartbeats).
 *
 * "Never ran" is not "stale": a worker is judged only while its heartbeat row exists.
 * Each worker writes its row when it starts (the crawler at start, at each pass start
 * and every 15 s of a pass; the monitor after every target sync) and deletes it on a
 * clean stop, so a fresh `npm start`, a web-only deployment (CRAWLER_ENABLED=false,
 * MONITOR_ENABLED=false) and the test suites are never stale; a worker that crashed or
 * hangs stops beating and goes stale once its last beat (or the crawler's last finished
 * pass, whichever is newer) is older than the limit. CRAWLER_ONCE (cron) keeps its
 * beat on exit, so a cron that stops running goes stale too. A limit of 0 turns the
 * check off.
 */

export type WorkerState = 'never_ran' | 'running' | 'stopped' | 'stale';

export interface HealthLimits {
  crawlerMaxAgeSeconds: number;
  monitorMaxAgeSeconds: number;
}

function seconds(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? Math.floor(parsed) : fallback;
}

/**
 * HEALTH_CRAWLER_MAX_AGE_SECONDS (default: 3 crawl intervals, at least 900) and
 * HEALTH_MONITOR_MAX_AGE_SECONDS (default: 10 monitor syncs, at least 300); 0 disables.
 */
export function healthLimits(env: Record<string, string | undefined> = process.env): HealthLimits {
  const interval = seconds(env.CRAWL_INTERVAL_SECONDS, 300) || 300;
  const sync = seconds(env.MONITOR_SYNC_SECONDS, 30) || 30;
  return {
    crawlerMaxAgeSeconds: seconds(env.HEALTH_CRAWLER_MAX_AGE_SECONDS, Math.max(900, 3 * interval)),
    monitorMaxAgeSeconds: seconds(env.HEALTH_MONITOR_MAX_AGE_SECONDS, Math.max(300, 10 * sync)),
  };
}

export interface CrawlerBeatRow {
  started_at: Date;
  pass_started_at: Date | null;
  beat_at: Date;
}

export interface MonitorBeatRow {
  shard_index: number;
  shard_count: number;
  started_at: Date;
  beat_at: Date;
  sync_ms: number;
  held: number;
  connected: number;
  down: number;
}

/** Reads the heartbeats and the newest snapshot's time in one round of queries. */
export async function readWorkerHeartbeats(sql: Sql): Promise<{ crawler: CrawlerBeatRow | null; monitors: MonitorBeatRow[]; snapshotAt: Date | null }> {
  const [crawler, monitors, snapshot] = await Promise.all([
    sql<CrawlerBeatRow[]>`select started_at, pass_started_at, beat_at from crawler_heartbeats order by beat_at desc limit 1`,
    sql<MonitorBeatRow[]>`select shard_index, shard_count, started_at, beat_at, sync_ms, held, connected, down from monitor_heartbeats`,
    sql<{ taken_at: Date }[]>`select taken_at from network_snapshots order by taken_at desc, id desc limit 1`,
  ]);
  return { crawler: crawler[0] ?? null, monitors: [...monitors], snapshotAt: snapshot[0]?.taken_at ?? null };
}

const ageSeconds = (date: Date | null, now: Date) => (date ? Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000)) : null);
const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

export interface CrawlerWorkerHealth {
  state: WorkerState;
  /** seconds since the crawler's last sign of life (heartbeat or finished pass) */
  age_seconds: number | null;
  heartbeat_at: string | null;
  pass_started_at: string | null;
  max_age_seconds: number;
}

export function crawlerHealth(run: LatestCrawlRun | null, beat: CrawlerBeatRow | null, maxAgeSeconds: number, now: Date) {
  const lastSign = [beat?.beat_at, run?.finished_at].filter((date): date is Date => date instanceof Date).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  const age = ageSeconds(lastSign, now);
  const state: WorkerState = beat
    ? maxAgeSeconds > 0 && age !== null && age > maxAgeSeconds
      ? 'stale'
      : 'running'
    : run
      ? 'stopped'
      : 'never_ran';
  return {
    state,
    age_seconds: age,
    heartbeat_at: iso(beat?.beat_at),
    pass_started_at: iso(beat?.pass_started_at),
    max_age_seconds: maxAgeSeconds,
    last_pass_at: iso(run?.finished_at),
    last_pass_age_seconds: ageSeconds(run?.finished_at ?? null, now),
    outcome: run?.outcome ?? null,
    duration_ms: run?.duration_ms ?? null,
    dns_seeds: run?.dns_seeds ?? null,
    dns_seeds_resolved: run?.dns_seeds_resolved ?? null,
    dialed: run?.dialed ?? null,
    dialed_ok: run?.dialed_ok ?? null,
    dialed_failed: run?.dialed_failed ?? null,
    ...(seedsAllFailed(run) ? { warning: `none of the ${run!.dns_seeds} DNS seeds resolved in the last pass (offline? try npm run demo)` } : {}),
  };
}

export interface MonitorHealth {
  state: Exclude<WorkerState, 'never_ran' | 'stopped'> | 'not_running';
  /** heartbeat of the shard heard from least recently */
  heartbeat_at: string | null;
  age_seconds: number | null;
  started_at: string | null;
  shards: number;
  /** the slowest shard's last sync duration */
  sync_ms: number | null;
  held: number;
  connected: number;
  down: number;
  max_age_seconds: number;
}

/** The monitors of the newest shard layout together; the stalest shard decides. */
export function monitorHealth(rows: readonly MonitorBeatRow[], maxAgeSeconds: number, now: Date): MonitorHealth {
  if (rows.length === 0) {
    return { state: 'not_running', heartbeat_at: null, age_seconds: null, started_at: null, shards: 0, sync_ms: null, held: 0, connected: 0, down: 0, max_age_seconds: maxAgeSeconds };
  }
  const newest = [...rows].sort((a, b) => b.beat_at.getTime() - a.beat_at.getTime())[0]!;
  const current = rows.filter((row) => row.shard_count === newest.shard_count);
  const stalest = current.reduce((a, b) => (a.beat_at <= b.beat_at ? a : b));
  const age = ageSeconds(stalest.beat_at, now)!;
  return {
    state: maxAgeSeconds > 0 && age > maxAgeSeconds ? 'stale' : 'running',
    heartbeat_at: stalest.beat_at.toISOString(),
    age_seconds: age,
    started_at: current.reduce((a, b) => (a.started_at <= b.started_at ? a : b)).started_at.toISOString(),
    shards: current.length,
    sync_ms: Math.max(...current.map((row) => row.sync_ms)),
    held: current.reduce((sum, row) => sum + row.held, 0),
    connected: current.reduce((sum, row) => sum + row.connected, 0),
    down: current.reduce((sum, row) => sum + row.down, 0),
    max_age_seconds: maxAgeSeconds,
  };
}

export interface SnapshotHealth {
  latest_at: string;
  age_seconds: number;
}

export function snapshotHealth(takenAt: Date | null, now: Date): SnapshotHealth | null {
  return takenAt ? { latest_at: takenAt.toISOString(), age_seconds: ageSeconds(takenAt, now)! } : null;
}
