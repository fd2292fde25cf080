import { checkDatabase, getSql } from './db/client';
import { migrationStatus } from './db/migrate';
import { resolveDatabaseConfig } from './db/config';
import { latestCrawlRun, seedsAllFailed, type LatestCrawlRun } from './crawler/runs';

export interface HealthReport {
  /** 'healthy' (200) when the database answers and every migration is applied; otherwise 'unhealthy' (503). */
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
  /** The crawler's latest pass (crawler_runs); null before the first one. */
  crawler?: CrawlerHealth | null;
}

export interface CrawlerHealth {
  last_pass_at: string;
  outcome: LatestCrawlRun['outcome'];
  duration_ms: number;
  dns_seeds: number;
  dns_seeds_resolved: number;
  dialed: number;
  dialed_ok: number;
  dialed_failed: number;
  warning?: string;
}

function crawlerHealth(run: LatestCrawlRun | null): CrawlerHealth | null {
  if (!run) return null;
  const { finished_at, error: _error, ...counts } = run;
  return {
    last_pass_at: finished_at.toISOString(),
    ...counts,
    ...(seedsAllFailed(run) ? { warning: `none of the ${run.dns_seeds} DNS seeds resolved in the last pass (offline? try npm run demo)` } : {}),
  };
}

const VERSION = process.env.npm_package_version ?? '0.1.0';

/** Probes the database and the migration ledger; never throws. */
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
    const crawler = migrations.pending.length === 0 ? crawlerHealth(await latestCrawlRun(sql).catch(() => null)) : null;
    return {
      status: migrations.pending.length === 0 ? 'healthy' : 'unhealthy',
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
      crawler,
    };
  } catch (error) {
    return { status: 'unhealthy', timestamp, version: VERSION, database: { ok: false, kind, latency_ms: 0, error: (error as Error).message } };
  }
}
