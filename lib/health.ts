import { checkDatabase, getSql, type Sql } from './db/client';
import { migrationStatus } from './db/migrate';
import { resolveDatabaseConfig } from './db/config';
import { latestCrawlRun, type LatestCrawlRun } from './crawler/runs';
import {
  crawlerHealth,
  healthLimits,
  monitorHealth,
  readWorkerHeartbeats,
  snapshotHealth,
  type CrawlerWorkerHealth,
  type MonitorHealth,
  type SnapshotHealth,
} from './worker-health';

export interface HealthReport {
  /**
   * 'healthy' (200) when the database answers, every migration is applied and no running
   * worker (crawler, monitor) is stale; otherwise 'unhealthy' (503), with `problems`.
   */
  status: 'healthy' | 'unhealthy';
  timestamp: string;
  version: string;
  database: {
    ok: boolean;
    kind: string;
    latency_ms: number;
    server_version?: string;
    latest_migration?: string | null;
    pending_migrations?: string[];
    error?: string;
  };
  /** The crawler: its latest pass (crawler_runs), its heartbeat, and its state (never_ran, running, stopped, stale). */
  crawler?: CrawlerHealth | null;
  /** The live monitor's heartbeats (one per shard): not_running, running or stale. */
  monitor?: MonitorHealth | null;
  /** The newest network snapshot; null before the first. */
  snapshot?: SnapshotHealth | null;
  /** Why the status is unhealthy because of a worker; empty otherwise. */
  problems?: string[];
}

export interface CrawlerHealth extends CrawlerWorkerHealth {
  last_pass_at: string | null;
  /** seconds since the last pass finished */
  last_pass_age_seconds: number | null;
  outcome: LatestCrawlRun['outcome'] | null;
  duration_ms: number | null;
  dns_seeds: number | null;
  dns_seeds_resolved: number | null;
  dialed: number | null;
  dialed_ok: number | null;
  dialed_failed: number | null;
  warning?: string;
}

const VERSION = process.env.npm_package_version ?? '0.1.0';

/** The crawler's and monitor's liveness and the newest snapshot. A read that fails reports nothing rather than failing health. */
async function workerHealth(sql: Sql, now: Date = new Date()) {
  const limits = healthLimits();
  const [run, beats] = await Promise.all([latestCrawlRun(sql).catch(() => null), readWorkerHeartbeats(sql).catch(() => null)]);
  const crawler = crawlerHealth(run, beats?.crawler ?? null, limits.crawlerMaxAgeSeconds, now);
  const monitor = monitorHealth(beats?.monitors ?? [], limits.monitorMaxAgeSeconds, now);
  const snapshot = snapshotHealth(beats?.snapshotAt ?? null, now);
  const problems: string[] = [];
  if (crawler.state === 'stale') {
    problems.push(`the crawler's last sign of life is ${crawler.age_seconds} s old (limit ${limits.crawlerMaxAgeSeconds} s, HEALTH_CRAWLER_MAX_AGE_SECONDS)`);
  }
  if (monitor.state === 'stale') {
    problems.push(`the monitor's stalest heartbeat is ${monitor.age_seconds} s old (limit ${limits.monitorMaxAgeSeconds} s, HEALTH_MONITOR_MAX_AGE_SECONDS)`);
  }
  return { crawler, monitor, snapshot, problems };
}

/** Probes the database, the migration ledger and the workers' heartbeats; never throws. */
export async function getHealthReport(): Promise<HealthReport> {
  const timestamp = new Date().toISOString();
  let kind = 'unknown';
  try {
    const config = resolveDatabaseConfig();
    // `npm start` tells its children when the URL points at the embedded server.
    kind = process.env.PEERSCOPE_DATABASE_KIND ?? (config.kind === 'embedded' ? 'unset' : config.kind);
    const sql = getSql();
    const database = await checkDatabase(sql, config.kind === 'embedded' ? 'DATABASE_URL' : config.display);
    if (!database.ok) {
      return { status: 'unhealthy', timestamp, version: VERSION, database: { ok: false, kind, latency_ms: database.latencyMs, error: database.error } };
    }
    const migrations = await migrationStatus(sql);
    const workers = migrations.pending.length === 0 ? await workerHealth(sql) : null;
    const problems = workers?.problems ?? [];
    return {
      status: migrations.pending.length === 0 && problems.length === 0 ? 'healthy' : 'unhealthy',
      timestamp,
      version: VERSION,
      database: {
        ok: true,
        kind,
        latency_ms: database.latencyMs,
        server_version: database.serverVersion,
        latest_migration: migrations.latest,
        pending_migrations: migrations.pending,
      },
      crawler: workers?.crawler ?? null,
      monitor: workers?.monitor ?? null,
      snapshot: workers?.snapshot ?? null,
      problems,
    };
  } catch (error) {
    return { status: 'unhealthy', timestamp, version: VERSION, database: { ok: false, kind, latency_ms: 0, error: (error as Error).message } };
  }
}
