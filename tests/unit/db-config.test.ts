import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseConfigError, redactDatabaseUrl, resolveDatabaseConfig } from '../../lib/db/config';
import { checkDatabase, closeSql, createSqlForUrl, getSql } from '../../lib/db/client';

describe('resolveDatabaseConfig', () => {
  it('uses the embedded database when DATABASE_URL is unset or blank', () => {
    assert.deepEqual(resolveDatabaseConfig({}), { kind: 'embedded' });
    assert.deepEqual(resolveDatabaseConfig({ DATABASE_URL: '   ' }), { kind: 'embedded' });
  });

  it('accepts a PostgreSQL URL with prepared statements on', () => {
    const config = resolveDatabaseConfig({ DATABASE_URL: 'postgresql://app:secret@db.example.com:5432/peerscope' });
    assert.ok(config.kind === 'postgres');
    assert.equal(config.prepare, true);
    assert.equal(config.maxConnections, 10);
    assert.equal(config.display, 'postgresql://db.example.com:5432/peerscope');
  });

  it('turns prepared statements off for the Supabase transaction pooler', () => {
    const byHost = resolveDatabaseConfig({
      DATABASE_URL: 'postgres://postgres.abc:pw@aws-0-eu-central-1.pooler.supabase.com:5432/postgres',
    });
    const byPort = resolveDatabaseConfig({ DATABASE_URL: 'postgres://postgres:pw@db.abc.supabase.co:6543/postgres' });
    for (const config of [byHost, byPort]) {
      assert.ok(config.kind === 'supabase-pooler');
      assert.equal(config.prepare, false);
    }
  });

  it('lets DATABASE_PREPARE and DATABASE_POOL_MAX override the defaults', () => {
    const config = resolveDatabaseConfig({
      DATABASE_URL: 'postgres://localhost/x',
      DATABASE_PREPARE: 'false',
      DATABASE_POOL_MAX: '3',
    });
    assert.ok(config.kind === 'postgres');
    assert.equal(config.prepare, false);
    assert.equal(config.maxConnections, 3);
  });

  it('uses a small pool on serverless platforms (VERCEL, AWS Lambda) unless DATABASE_POOL_MAX says otherwise', () => {
    const pooler = 'postgres://postgres.abc:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres';
    const pool = (env: Record<string, string>) => {
      const config = resolveDatabaseConfig({ DATABASE_URL: pooler, ...env });
      assert.ok(config.kind === 'supabase-pooler');
      assert.equal(config.prepare, false);
      return config.maxConnections;
    };
    assert.equal(pool({}), 10);
    assert.equal(pool({ VERCEL: '1' }), 2);
    assert.equal(pool({ AWS_LAMBDA_FUNCTION_NAME: 'peerscope' }), 2);
    assert.equal(pool({ VERCEL: '1', DATABASE_POOL_MAX: '5' }), 5);
  });

  it('rejects URLs that are not PostgreSQL with a clear message', () => {
    assert.throws(
      () => resolveDatabaseConfig({ DATABASE_URL: 'mysql://root:hunter2@localhost/db' }),
      (error: Error) =>
        error instanceof DatabaseConfigError && /postgres:\/\//.test(error.message) && !error.message.includes('hunter2'),
    );
  });

  it('rejects text that is not a URL without echoing the password', () => {
    assert.throws(
      () => resolveDatabaseConfig({ DATABASE_URL: 'postgres://user:hunter2@local host:5432/db' }),
      (error: Error) =>
        error instanceof DatabaseConfigError && /not a valid URL/.test(error.message) && !error.message.includes('hunter2'),
    );
  });

  it('rejects a URL with no host and bad pool settings', () => {
    assert.throws(() => resolveDatabaseConfig({ DATABASE_URL: 'postgres:///db' }), /no host/);
    assert.throws(
      () => resolveDatabaseConfig({ DATABASE_URL: 'postgres://localhost/db', DATABASE_POOL_MAX: 'lots' }),
      /DATABASE_POOL_MAX/,
    );
    assert.throws(
      () => resolveDatabaseConfig({ DATABASE_URL: 'postgres://localhost/db', DATABASE_PREPARE: 'maybe' }),
      /DATABASE_PREPARE/,
    );
  });

  it('redacts credentials', () => {
    assert.equal(redactDatabaseUrl('postgres://u:p@h:1/d'), 'postgres://h:1/d');
  });
});

describe('connecting', () => {
  it('getSql explains how to get a database when DATABASE_URL is unset', async () => {
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      await closeSql();
      assert.throws(() => getSql(), /DATABASE_URL is not set.*npm start/s);
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
  });

  it('checkDatabase reports an unreachable server instead of throwing', async () => {
    // Port 1 on loopback: nothing listens there.
    const sql = createSqlForUrl('postgres://postgres@127.0.0.1:1/postgres', { maxConnections: 1 });
    try {
      const health = await checkDatabase(sql, '127.0.0.1:1');
      assert.equal(health.ok, false);
      assert.match(health.error ?? '', /Cannot reach the database at 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});
