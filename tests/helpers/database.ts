import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { createSqlForUrl, type Sql } from '../../lib/db/client';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../lib/db/embedded';
import { migrate } from '../../lib/db/migrate';

/**
 * A private, empty database for one test file, created on a server and dropped on close.
 * TEST_DATABASE=embedded (default): on the embedded PostgreSQL server that scripts/run-tests.ts
 *   starts for the whole run (TEST_EMBEDDED_POSTGRES_URL); a file run on its own starts one itself.
 * TEST_DATABASE=postgres: on TEST_POSTGRES_URL's server.
 */
export interface TestDatabase {
  backend: 'embedded' | 'postgres';
  url: string;
  sql: Sql;
  close(): Promise<void>;
}

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function testBackend(): TestDatabase['backend'] {
  return process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'embedded';
}

/** A server of this process's own, while any of its databases is open (files run without the test runner). */
let privateServer: Promise<{ server: EmbeddedPostgres; dataDir: string }> | undefined;
let privateServerUsers = 0;

async function acquirePrivateServer(): Promise<string> {
  privateServerUsers += 1;
  privateServer ??= (async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'peerscope-test-pg-'));
    return { server: await startEmbeddedPostgres({ dataDir, ephemeral: true }), dataDir };
  })();
  try {
    return (await privateServer).server.url;
  } catch (error) {
    privateServerUsers -= 1;
    privateServer = undefined;
    throw error;
  }
}

async function releasePrivateServer(): Promise<void> {
  privateServerUsers -= 1;
  if (privateServerUsers > 0 || !privateServer) return;
  const { server, dataDir } = await privateServer;
  privateServer = undefined;
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}

async function openDatabaseOn(adminUrl: string, backend: TestDatabase['backend'], onClose?: () => Promise<void>): Promise<TestDatabase> {
  const name = `peerscope_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    await admin.end({ timeout: 5 });
    await onClose?.();
    throw error;
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const sql = createSqlForUrl(url.toString(), { maxConnections: 5 });
  return {
    backend,
    url: url.toString(),
    sql,
    async close() {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
      await onClose?.();
    },
  };
}

export async function openTestDatabase(): Promise<TestDatabase> {
  if (testBackend() === 'postgres') return openDatabaseOn(TEST_POSTGRES_URL, 'postgres');
  const shared = process.env.TEST_EMBEDDED_POSTGRES_URL;
  if (shared) return openDatabaseOn(shared, 'embedded');
  return openDatabaseOn(await acquirePrivateServer(), 'embedded', releasePrivateServer);
}

export async function openMigratedTestDatabase(): Promise<TestDatabase> {
  const database = await openTestDatabase();
  try {
    await migrate(database.sql);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
