import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSqlForUrl } from '../../lib/db/client';
import { EmbeddedDatabaseLockedError, startEmbeddedPostgres } from '../../lib/db/embedded';
import { migrate } from '../../lib/db/migrate';

describe('embedded PGlite server', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'peerscope-pglite-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('persists data across restarts of the embedded server', async () => {
    const first = await startEmbeddedPostgres({ dataDir });
    const sql = createSqlForUrl(first.url);
    await migrate(sql);
    await sql`insert into nodes (ip, port, status) values ('192.0.2.1', 8333, 'up')`;
    await sql.end();
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir });
    const again = createSqlForUrl(second.url);
    try {
      const rows = await again<{ ip: string }[]>`select ip from nodes`;
      assert.deepEqual(rows.map((row) => row.ip), ['192.0.2.1']);
      assert.deepEqual((await migrate(again)).applied, [], 'migrations are not re-applied after a restart');
    } finally {
      await again.end();
      await second.stop();
    }
  });

  it('serves several pooled connections at once', async () => {
    const server = await startEmbeddedPostgres();
    const sql = createSqlForUrl(server.url, { maxConnections: 8 });
    try {
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => sql<{ i: number }[]>`select ${i}::int as i`));
      assert.deepEqual(results.map((rows) => rows[0]!.i), Array.from({ length: 40 }, (_, i) => i));
    } finally {
      await sql.end();
      await server.stop();
    }
  });

  it('refuses to open a data folder another live process holds', async () => {
    const lockedDir = await mkdtemp(path.join(tmpdir(), 'peerscope-locked-'));
    try {
      // The parent process (the test runner) is alive, so its pid is a live holder.
      await writeFile(path.join(lockedDir, 'peerscope.lock'), String(process.ppid));
      await assert.rejects(startEmbeddedPostgres({ dataDir: lockedDir }), EmbeddedDatabaseLockedError);
    } finally {
      await rm(lockedDir, { recursive: true, force: true });
    }
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const staleDir = await mkdtemp(path.join(tmpdir(), 'peerscope-stale-'));
    try {
      await writeFile(path.join(staleDir, 'peerscope.lock'), '2147483646');
      const server = await startEmbeddedPostgres({ dataDir: staleDir });
      await server.stop();
    } finally {
      await rm(staleDir, { recursive: true, force: true });
    }
  });
});
