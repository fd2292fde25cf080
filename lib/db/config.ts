import { z } from 'zod';

/**
 * Where the database lives, decided once from the environment.
 *
 * - `embedded`: no DATABASE_URL; `npm start` runs the embedded PostgreSQL server and hands the app a URL.
 * - `postgres`: any PostgreSQL server (local, managed, Supabase direct connection).
 * - `supabase-pooler`: Supabase's transaction pooler (Supavisor), which cannot keep
 *   prepared statements, so postgres.js must run with `prepare: false`.
 */
export type DatabaseConfig =
  | { kind: 'embedded' }
  | {
      kind: 'postgres' | 'supabase-pooler';
      url: string;
      prepare: boolean;
      maxConnections: number;
      /** host:port/database with credentials removed, safe for logs and errors. */
      display: string;
    };

export class DatabaseConfigError extends Error {
  override name = 'DatabaseConfigError';
}

const POSTGRES_PROTOCOLS = new Set(['postgres:', 'postgresql:']);
const SUPABASE_POOLER_PORT = '6543';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const environmentSchema = z.object({
  DATABASE_URL: z.string().trim().optional(),
  DATABASE_PREPARE: booleanFlag.optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).optional(),
});

/** Removes user and password so a URL can be shown in logs and error messages. */
export function redactDatabaseUrl(raw: string): string {
  try {
    const url = new URL(raw);
    const database = url.pathname.replace(/^\//, '') || '(default database)';
    return `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ''}/${database}`;
  } catch {
    return raw.replace(/\/\/[^@/]*@/, '//***@').slice(0, 80);
  }
}

/** Pool size per process: serverless functions (Vercel, AWS Lambda) run many small instances, each with a tiny pool. */
export const DEFAULT_POOL_MAX = 10;
export const SERVERLESS_POOL_MAX = 2;

export function isServerless(env: Record<string, string | undefined>): boolean {
  return Boolean(env.VERCEL || env.AWS_LAMBDA_FUNCTION_NAME);
}

function isSupabasePooler(url: URL): boolean {
  return url.hostname.endsWith('.pooler.supabase.com') || url.port === SUPABASE_POOLER_PORT;
}

export function resolveDatabaseConfig(env: Record<string, string | undefined> = process.env): DatabaseConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new DatabaseConfigError(`Invalid database settings: ${details}`);
  }
  const { DATABASE_URL: raw, DATABASE_PREPARE: prepareOverride, DATABASE_POOL_MAX: poolMax } = parsed.data;
  if (!raw) return { kind: 'embedded' };

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DatabaseConfigError(
      `DATABASE_URL is not a valid URL (${redactDatabaseUrl(raw)}). ` +
        'Expected postgres://USER:PASSWORD@HOST:PORT/DATABASE, or leave it unset to use the embedded database.',
    );
  }
  if (!POSTGRES_PROTOCOLS.has(url.protocol)) {
    throw new DatabaseConfigError(
      `DATABASE_URL must start with postgres:// or postgresql:// (got ${url.protocol}//). ` +
        'Peerscope only speaks PostgreSQL (local, Supabase, or the embedded server).',
    );
  }
  if (!url.hostname) {
    throw new DatabaseConfigError(`DATABASE_URL has no host (${redactDatabaseUrl(raw)}).`);
  }
  if (url.port && !/^\d+$/.test(url.port)) {
    throw new DatabaseConfigError(`DATABASE_URL has an invalid port (${redactDatabaseUrl(raw)}).`);
  }

  const pooler = isSupabasePooler(url);
  return {
    kind: pooler ? 'supabase-pooler' : 'postgres',
    url: raw,
    prepare: prepareOverride ?? !pooler,
    maxConnections: poolMax ?? (isServerless(env) ? SERVERLESS_POOL_MAX : DEFAULT_POOL_MAX),
    display: redactDatabaseUrl(raw),
  };
}
