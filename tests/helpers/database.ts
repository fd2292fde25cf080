import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createSqlForUrl, type Sql } from '../../lib/db/client';
import { startEmbeddedPostgres } from '../../lib/db/embedded';
import { migrate } from '../../lib/db/migrate';

/**
 * A private, empty database for one test file.
 * TEST_DATABASE=embedded (default): an in-memory PGlite served over the wire protocol.
 * TEST_DATABASE=postgres: a new database on TEST_POSTGRES_URL's server, dropped on close.
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

async function openEmbedded(): Promise<TestDatabase> {
  const server = await startEmbeddedPostgres();
  const sql = createSqlForUrl(server.url, { maxConnections: 5 });
  return {
    backend: 'embedded',
    url: server.url,
    sql,
    async close() {
      await sql.end({ timeout: 5 });
      await server.stop();
    },
  };
}

async function openPostgres(): Promise<TestDatabase> {
  const name = `peerscope_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const sql = createSqlForUrl(url.toString(), { maxConnections: 5 });
  return {
    backend: 'postgres',
    url: url.toString(),
    sql,
    async close() {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

export function openTestDatabase(): Promise<TestDatabase> {
  return testBackend() === 'postgres' ? openPostgres() : openEmbedded();
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
