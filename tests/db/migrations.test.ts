import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSqlForUrl } from '../../lib/db/client';
import { loadMigrations, migrate, migrationStatus, MigrationError } from '../../lib/db/migrate';
import { openTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

const EXPECTED_TABLES = [
  'admin_audit_log',
  'alert_history',
  'alert_subscriptions',
  'api_key_usage',
  'api_keys',
  'app_settings',
  'auth_email_tokens',
  'auth_sessions',
  'bitnodes_peer_index',
  'bitnodes_peer_index_runs',
  'crawler_heartbeats',
  'crawler_runs',
  'inv_propagation',
  'local_credentials',
  'monitor_heartbeats',
  'network_snapshots',
  'node_bans',
  'node_checks',
  'node_events',
  'node_exceptions',
  'node_monitor_spans',
  'node_profile_changes',
  'node_profiles',
  'node_registrations',
  'node_search',
  'nodes',
  'peerscope_migrations',
  'profile_avatars',
  'profiles',
  'retention_progress',
  'snapshot_bodies',
  'user_nodes',
  'verifications',
];

async function tempMigrations(files: Record<string, string>): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'peerscope-migrations-'));
  for (const [name, body] of Object.entries(files)) await writeFile(path.join(directory, name), body);
  return directory;
}

describe(`migrations on ${testBackend()}`, () => {
  let database: TestDatabase;
  before(async () => {
    database = await openTestDatabase();
  });
  after(async () => {
    await database.close();
  });

  it('applies every migration once and creates the whole schema', async () => {
    const all = await loadMigrations();
    const first = await migrate(database.sql);
    assert.deepEqual(first.applied, all.map((migration) => migration.name));
    const tables = await database.sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`;
    assert.deepEqual(tables.map((row) => row.table_name), EXPECTED_TABLES);

    const second = await migrate(database.sql);
    assert.deepEqual(second.applied, []);
    assert.equal(second.alreadyApplied.length, all.length);
    assert.deepEqual(await migrationStatus(database.sql), { latest: all.at(-1)!.name, pending: [] });
  });

  it('creates an index for every filter and sort of the nodes API', async () => {
    const indexes = await database.sql<{ indexdef: string }[]>`
      select indexdef from pg_indexes where schemaname = 'public' and tablename = 'nodes'`;
    const definitions = indexes.map((row) => row.indexdef).join('\n');
    for (const column of ['status', 'country', 'tier', 'protocol_version', 'verified', 'last_seen', 'first_seen',
      'pix_score', 'tier_order', 'uptime_percentage', 'rank']) {
      assert.match(definitions, new RegExp(`\\(${column}[ ,)]`), `no index leads with nodes.${column}`);
    }
  });

  it('enables row level security on every table (Supabase exposes public tables over REST)', async () => {
    const rows = await database.sql<{ relname: string }[]>`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity`;
    assert.deepEqual(rows.map((row) => row.relname), []);
  });

  it('lets concurrent starters migrate without applying anything twice', async () => {
    const directory = await tempMigrations({
      '20990101000000_counter.sql': 'create table concurrency_probe (id int); insert into concurrency_probe values (1);',
    });
    const pools = [createSqlForUrl(database.url), createSqlForUrl(database.url), createSqlForUrl(database.url)];
    try {
      const results = await Promise.all(pools.map((sql) => migrate(sql, { directory })));
      assert.equal(results.filter((result) => result.applied.length === 1).length, 1);
      const [row] = await database.sql<{ n: number }[]>`select count(*)::int as n from concurrency_probe`;
      assert.equal(row!.n, 1);
    } finally {
      await Promise.all(pools.map((sql) => sql.end()));
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('rolls a failing migration back completely and reports which file failed', async () => {
    const directory = await tempMigrations({
      '20990201000000_half_done.sql': 'create table half_done (id int);\nselect no_such_function();',
    });
    try {
      await assert.rejects(migrate(database.sql, { directory }), (error: Error) =>
        error instanceof MigrationError && error.message.includes('20990201000000_half_done.sql'));
      const [row] = await database.sql<{ present: boolean }[]>`select to_regclass('half_done') is not null as present`;
      assert.equal(row!.present, false);
      const status = await migrationStatus(database.sql, directory);
      assert.deepEqual(status.pending, ['20990201000000_half_done.sql']);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('refuses to continue when an applied migration was edited', async () => {
    const directory = await tempMigrations({ '20990301000000_edited.sql': 'create table edited (id int);' });
    try {
      await migrate(database.sql, { directory });
      await writeFile(path.join(directory, '20990301000000_edited.sql'), 'create table edited (id bigint);');
      await assert.rejects(migrate(database.sql, { directory }), /changed after it was applied/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('records, without re-running, versions the Supabase CLI already pushed', async () => {
    const directory = await tempMigrations({ '20990401000000_pushed.sql': 'create table pushed_by_cli (id int);' });
    try {
      await database.sql`create schema if not exists supabase_migrations`;
      await database.sql`create table if not exists supabase_migrations.schema_migrations (version text primary key)`;
      await database.sql`insert into supabase_migrations.schema_migrations values ('20990401000000')`;
      const result = await migrate(database.sql, { directory });
      assert.deepEqual(result.applied, ['20990401000000_pushed.sql']);
      const [row] = await database.sql<{ present: boolean }[]>`select to_regclass('pushed_by_cli') is not null as present`;
      assert.equal(row!.present, false);
    } finally {
      await database.sql`drop schema supabase_migrations cascade`;
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('rejects badly named migration files', async () => {
    const directory = await tempMigrations({ 'add-things.sql': 'select 1;' });
    try {
      await assert.rejects(loadMigrations(directory), /must look like/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
