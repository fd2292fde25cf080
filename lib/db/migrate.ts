import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Sql } from './client';

/**
 * Applies the plain SQL files in supabase/migrations/ in name order, each in its
 * own transaction, recording them in peerscope_migrations. The same files work
 * with `supabase db push`; versions that the Supabase CLI already applied (found
 * in supabase_migrations.schema_migrations) are recorded here and not run again.
 */

export interface Migration {
  /** Leading digits of the file name, as the Supabase CLI uses them. */
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

// next.config.ts traces this folder into the routes that read it (outputFileTracingIncludes).
export const DEFAULT_MIGRATIONS_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), 'supabase', 'migrations');
const FILE_PATTERN = /^(\d+)_([a-z0-9_]+)\.sql$/;
const LOCK_KEY = 'peerscope:migrations';

export async function loadMigrations(directory = DEFAULT_MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(/*turbopackIgnore: true*/ directory)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (!match) {
      throw new MigrationError(`Migration file name "${file}" must look like 20260101000000_description.sql`);
    }
    const sql = await readFile(/*turbopackIgnore: true*/ path.join(directory, file), 'utf8');
    migrations.push({
      version: match[1]!,
      name: file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  const versions = new Set<string>();
  for (const migration of migrations) {
    if (versions.has(migration.version)) throw new MigrationError(`Two migrations share version ${migration.version}`);
    versions.add(migration.version);
  }
  return migrations;
}

async function ensureLedger(sql: Sql): Promise<void> {
  await sql`
    create table if not exists peerscope_migrations (
      version text primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`;
  await sql`alter table peerscope_migrations enable row level security`;
}

async function versionsAppliedBySupabaseCli(sql: Sql): Promise<Set<string>> {
  const [exists] = await sql<{ present: boolean }[]>`
    select to_regclass('supabase_migrations.schema_migrations') is not null as present`;
  if (!exists?.present) return new Set();
  const rows = await sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`;
  return new Set(rows.map((row) => row.version));
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export async function migrate(
  sql: Sql,
  options: { directory?: string; log?: (message: string) => void } = {},
): Promise<MigrateResult> {
  const migrations = await loadMigrations(options.directory);
  const log = options.log ?? (() => {});
  await ensureLedger(sql);
  const appliedByCli = await versionsAppliedBySupabaseCli(sql);
  const result: MigrateResult = { applied: [], alreadyApplied: [] };

  for (const migration of migrations) {
    const outcome = await sql.begin(async (tx) => {
      // Serialises concurrent starters (app + crawler, several replicas).
      await tx`select pg_advisory_xact_lock(hashtext(${LOCK_KEY}))`;
      const [recorded] = await tx<{ checksum: string }[]>`
        select checksum from peerscope_migrations where version = ${migration.version}`;
      if (recorded) {
        if (recorded.checksum !== migration.checksum) {
          throw new MigrationError(
            `Migration ${migration.name} changed after it was applied. ` +
              'Never edit an applied migration: add a new one instead.',
          );
        }
        return 'skipped' as const;
      }
      if (!appliedByCli.has(migration.version)) {
        try {
          await tx.unsafe(migration.sql);
        } catch (error) {
          throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
        }
      }
      await tx`
        insert into peerscope_migrations (version, name, checksum)
        values (${migration.version}, ${migration.name}, ${migration.checksum})`;
      return 'applied' as const;
    });
    if (outcome === 'applied') {
      result.applied.push(migration.name);
      log(`applied ${migration.name}`);
    } else {
      result.alreadyApplied.push(migration.name);
    }
  }
  return result;
}

export interface MigrationStatus {
  latest: string | null;
  pending: string[];
}

/** What /api/health reports: the newest applied migration and any not yet applied. */
export async function migrationStatus(sql: Sql, directory?: string): Promise<MigrationStatus> {
  const migrations = await loadMigrations(directory);
  const [ledger] = await sql<{ present: boolean }[]>`select to_regclass('peerscope_migrations') is not null as present`;
  const applied = ledger?.present
    ? new Set((await sql<{ version: string }[]>`select version from peerscope_migrations`).map((row) => row.version))
    : new Set<string>();
  const pending = migrations.filter((migration) => !applied.has(migration.version)).map((migration) => migration.name);
  const appliedNames = migrations.filter((migration) => applied.has(migration.version)).map((migration) => migration.name);
  return { latest: appliedNames.at(-1) ?? null, pending };
}
