import postgres from 'postgres';
import { resolveDatabaseConfig, type DatabaseConfig, DatabaseConfigError } from './config';

export type Sql = postgres.Sql<Record<string, never>>;

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

type ServerConfig = Exclude<DatabaseConfig, { kind: 'embedded' }>;

export interface CreateSqlOptions {
  /** Application name shown in pg_stat_activity. */
  applicationName?: string;
  /** Overrides the pool size from the config. */
  maxConnections?: number;
}

/** Opens a postgres.js pool for a resolved server config. Connecting is lazy. */
export function createSql(config: ServerConfig, options: CreateSqlOptions = {}): Sql {
  return postgres(config.url, {
    max: options.maxConnections ?? config.maxConnections,
    prepare: config.prepare,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? 'peerscope' },
  }) as unknown as Sql;
}

/** Opens a pool for a plain URL (tests, scripts); the URL is validated like DATABASE_URL. */
export function createSqlForUrl(url: string, options: CreateSqlOptions = {}): Sql {
  const config = resolveDatabaseConfig({ DATABASE_URL: url });
  if (config.kind === 'embedded') throw new DatabaseConfigError('A database URL is required.');
  return createSql(config, options);
}

const globalForSql = globalThis as typeof globalThis & { __peerscopeSql?: Sql };

/**
 * The process-wide pool used by route handlers and the crawler. It is kept on
 * globalThis so Next.js hot reloads do not open a new pool on every edit.
 */
export function getSql(): Sql {
  if (globalForSql.__peerscopeSql) return globalForSql.__peerscopeSql;
  const config = resolveDatabaseConfig();
  if (config.kind === 'embedded') {
    throw new DatabaseConfigError(
      'DATABASE_URL is not set. Run `npm start`, which starts the embedded PostgreSQL server and sets it, ' +
        'or point DATABASE_URL at a PostgreSQL server.',
    );
  }
  globalForSql.__peerscopeSql = createSql(config);
  return globalForSql.__peerscopeSql;
}

export async function closeSql(): Promise<void> {
  const sql = globalForSql.__peerscopeSql;
  globalForSql.__peerscopeSql = undefined;
  if (sql) await sql.end({ timeout: 5 });
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'CONNECT_TIMEOUT']);
/** Driver and server codes meaning the database cannot serve us right now (not that a query was wrong). */
const UNAVAILABLE_CODES = new Set([
  ...UNREACHABLE_CODES,
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED',
  '57P01', '57P03', '53300', '3D000', '28P01', '28000',
]);

/** True for failures of the database connection or configuration rather than of a query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError || error instanceof DatabaseConfigError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNAVAILABLE_CODES.has(code);
}

/** Turns driver connection failures into one error type with a readable message. */
export function describeConnectionError(error: unknown, where: string): Error {
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code && UNREACHABLE_CODES.has(code)) {
    return new DatabaseUnavailableError(`Cannot reach the database at ${where} (${code}). Is the server running?`);
  }
  if (code === '28P01' || code === '28000') {
    return new DatabaseUnavailableError(`The database at ${where} refused the credentials (${message}).`);
  }
  if (code === '3D000') {
    return new DatabaseUnavailableError(`The database at ${where} does not exist (${message}).`);
  }
  return error instanceof Error ? error : new Error(message);
}

export interface DatabaseHealth {
  ok: boolean;
  latencyMs: number;
  serverVersion?: string;
  error?: string;
}

/** One round trip to the server; never throws. */
export async function checkDatabase(sql: Sql, where = 'DATABASE_URL'): Promise<DatabaseHealth> {
  const started = performance.now();
  try {
    const [row] = await sql<{ version: string }[]>`select current_setting('server_version') as version`;
    return { ok: true, latencyMs: Math.round(performance.now() - started), serverVersion: row?.version };
  } catch (error) {
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error: describeConnectionError(error, where).message,
    };
  }
}
