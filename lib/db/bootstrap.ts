import path from 'node:path';
import { createSql, type Sql } from './client';
import { resolveDatabaseConfig } from './config';
import { startEmbeddedPostgres } from './embedded';

export const DEFAULT_EMBEDDED_DATA_DIR = path.join(process.cwd(), '.data', 'pglite');

export interface BootstrappedDatabase {
  kind: 'embedded' | 'postgres' | 'supabase-pooler';
  /** URL to hand to child processes (DATABASE_URL). */
  url: string;
  /** Credential-free description for logs. */
  display: string;
  sql: Sql;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or, when it is unset, starts the embedded PGlite
 * persisted under PGLITE_DATA_DIR (default .data/pglite) on PGLITE_PORT.
 */
export async function bootstrapDatabase(
  env: Record<string, string | undefined> = process.env,
  applicationName = 'peerscope',
): Promise<BootstrappedDatabase> {
  const config = resolveDatabaseConfig(env);
  if (config.kind !== 'embedded') {
    const sql = createSql(config, { applicationName });
    return { kind: config.kind, url: config.url, display: config.display, sql, close: () => sql.end({ timeout: 5 }) };
  }
  const dataDir = env.PGLITE_DATA_DIR ? path.resolve(env.PGLITE_DATA_DIR) : DEFAULT_EMBEDDED_DATA_DIR;
  const port = env.PGLITE_PORT ? Number.parseInt(env.PGLITE_PORT, 10) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PGLITE_PORT must be a port number between 0 and 65535 (got "${env.PGLITE_PORT}").`);
  }
  const server = await startEmbeddedPostgres({ dataDir, port });
  const embeddedConfig = resolveDatabaseConfig({ DATABASE_URL: server.url });
  if (embeddedConfig.kind === 'embedded') throw new Error('unreachable');
  const sql = createSql(embeddedConfig, { applicationName });
  return {
    kind: 'embedded',
    url: server.url,
    display: `embedded PGlite at ${server.url} (data in ${path.relative(process.cwd(), dataDir) || dataDir})`,
    sql,
    async close() {
      await sql.end({ timeout: 5 });
      await server.stop();
    },
  };
}
