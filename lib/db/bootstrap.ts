import path from 'node:path';
import { createSql, type Sql } from './client';
import { resolveDatabaseConfig } from './config';
import { startEmbeddedPostgres } from './embedded';

export const DEFAULT_EMBEDDED_DATA_DIR = path.join(process.cwd(), '.data', 'postgres');

export interface BootstrappedDatabase {
  kind: 'embedded' | 'postgres' | 'supabase-pooler';
  /** URL to hand to child processes (DATABASE_URL). */
  url: string;
  /** Credential-free description for logs. */
  display: string;
  /** For the embedded server: how to connect with psql while it runs (the URL carries its password). */
  connectHint?: string;
  /** For the embedded server: resolves if the server process exits (crash or stop). */
  serverExited?: Promise<void>;
  /** For the embedded server: its last log lines. */
  serverLog?: () => string;
  sql: Sql;
  close(): Promise<void>;
}

export interface BootstrapOptions {
  applicationName?: string;
  /** Embedded data folder when EMBEDDED_PG_DATA_DIR is unset (`npm run demo` keeps its own). */
  defaultDataDir?: string;
}

function embeddedPort(env: Record<string, string | undefined>): number {
  const raw = env.EMBEDDED_PG_PORT?.trim();
  if (!raw) return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`EMBEDDED_PG_PORT must be a port number between 1 and 65535 (got "${raw}").`);
  }
  return port;
}

/**
 * Connects to DATABASE_URL, or, when it is unset, starts the embedded
 * PostgreSQL server on the cluster in EMBEDDED_PG_DATA_DIR (default
 * .data/postgres, initialised on first use) on EMBEDDED_PG_PORT or a free
 * loopback port.
 */
export async function bootstrapDatabase(
  env: Record<string, string | undefined> = process.env,
  options: BootstrapOptions | string = {},
): Promise<BootstrappedDatabase> {
  const { applicationName = 'peerscope', defaultDataDir = DEFAULT_EMBEDDED_DATA_DIR } =
    typeof options === 'string' ? { applicationName: options } : options;
  const config = resolveDatabaseConfig(env);
  if (config.kind !== 'embedded') {
    const sql = createSql(config, { applicationName });
    return { kind: config.kind, url: config.url, display: config.display, sql, close: () => sql.end({ timeout: 5 }) };
  }
  const dataDir = env.EMBEDDED_PG_DATA_DIR ? path.resolve(env.EMBEDDED_PG_DATA_DIR) : defaultDataDir;
  const server = await startEmbeddedPostgres({ dataDir, port: embeddedPort(env) });
  const embeddedConfig = resolveDatabaseConfig({ DATABASE_URL: server.url });
  if (embeddedConfig.kind === 'embedded') throw new Error('unreachable');
  const sql = createSql(embeddedConfig, { applicationName });
  return {
    kind: 'embedded',
    url: server.url,
    display: `embedded PostgreSQL on 127.0.0.1:${server.port} (data in ${path.relative(process.cwd(), dataDir) || dataDir})`,
    connectHint: `psql '${server.url}'`,
    serverExited: server.exited,
    serverLog: server.recentLog,
    sql,
    async close() {
      await sql.end({ timeout: 5 });
      await server.stop();
    },
  };
}
