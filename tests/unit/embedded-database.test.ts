import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSqlForUrl } from '../../lib/db/client';
import { EmbeddedDatabaseLockedError, postmasterPidOf, startEmbeddedPostgres } from '../../lib/db/embedded';
import { bootstrapDatabase } from '../../lib/db/bootstrap';
import { migrate } from '../../lib/db/migrate';
import { freePort } from '../helpers/processes';

/** Starts the server on dataDir in another Node process, which prints the URL and then waits to be killed. */
function startInChildProcess(dataDir: string): Promise<{ pid: number; url: string }> {
  const script = `
    import { startEmbeddedPostgres } from ${JSON.stringify(path.resolve('lib/db/embedded.ts'))};
    const server = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)} });
    console.log('URL ' + server.url);
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const url = /URL (\S+)/.exec(output)?.[1];
      if (url) resolve({ pid: child.pid!, url });
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before starting the server:\n${output}`)));
  });
}

async function waitUntilGone(pid: number): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`process ${pid} is still alive`);
}

describe('embedded PostgreSQL server', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'peerscope-embedded-'));
    await chmod(root, 0o755); // as root, the server runs as the postgres user, which must reach the subfolders
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('initialises the folder on first start and keeps the data across restarts', async () => {
    const dataDir = path.join(root, 'persist');
    const first = await startEmbeddedPostgres({ dataDir });
    assert.match(first.url, /^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/postgres$/);
    assert.ok(existsSync(path.join(dataDir, 'PG_VERSION')));
    if (existsSync('/proc/self/stat')) {
      const processGroup = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2];
      assert.notEqual(processGroup(postmasterPidOf(dataDir)!), processGroup(process.pid), 'Ctrl+C in a terminal reaches us, not the server: we stop it last');
    }
    const sql = createSqlForUrl(first.url);
    await migrate(sql);
    await sql`insert into nodes (ip, port, status) values ('192.0.2.1', 8333, 'up')`;
    const [row] = await sql<{ version: string }[]>`select current_setting('server_version_num') as version`;
    assert.ok(Number(row!.version) >= 180000, `PostgreSQL 18 or newer (got ${row!.version})`);
    await sql.end();
    await first.stop();
    assert.equal(existsSync(path.join(dataDir, 'peerscope.lock')), false, 'the lock is released on stop');
    assert.equal(existsSync(path.join(dataDir, 'postmaster.pid')), false, 'the server shut down cleanly');

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

  it('gives every pooled connection its own session: an open transaction is invisible to the others', async () => {
    const server = await startEmbeddedPostgres({ dataDir: path.join(root, 'shared'), ephemeral: true });
    const sql = createSqlForUrl(server.url, { maxConnections: 8 });
    try {
      await sql`create table t (n int)`;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inside!: () => void;
      const entered = new Promise<void>((resolve) => (inside = resolve));
      const transaction = sql.begin(async (tx) => {
        await tx`insert into t values (1)`;
        inside();
        await held;
      });
      await entered;
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => sql<{ i: number; seen: number }[]>`select ${i}::int as i, (select count(*)::int from t) as seen`));
      assert.deepEqual(results.map((rows) => rows[0]!.i), Array.from({ length: 40 }, (_, i) => i));
      assert.ok(results.every((rows) => rows[0]!.seen === 0), 'uncommitted rows stay inside their transaction');
      release();
      await transaction;
      assert.equal((await sql<{ n: number }[]>`select count(*)::int as n from t`)[0]!.n, 1);
    } finally {
      await sql.end();
      await server.stop();
    }
  });

  it('refuses a second start on a folder in use, naming the holder', async () => {
    const dataDir = path.join(root, 'shared');
    const server = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    try {
      await assert.rejects(startEmbeddedPostgres({ dataDir }), (error: Error) => {
        assert.ok(error instanceof EmbeddedDatabaseLockedError);
        assert.match(error.message, new RegExp(`already in use by process ${process.pid} \\(its PostgreSQL listens on 127\\.0\\.0\\.1:${server.port}\\)`));
        return true;
      });
      // The first server is untouched.
      const sql = createSqlForUrl(server.url);
      assert.equal((await sql`select 1 as one`)[0]!.one, 1);
      await sql.end();
    } finally {
      await server.stop();
    }
    // Another live Peerscope process (here: the test runner) holding the lock is refused too.
    await writeFile(path.join(dataDir, 'peerscope.lock'), String(process.ppid));
    await assert.rejects(startEmbeddedPostgres({ dataDir }), EmbeddedDatabaseLockedError);
    await rm(path.join(dataDir, 'peerscope.lock'));
  });

  it('starts again without repair after everything was killed with SIGKILL', { timeout: 60_000 }, async () => {
    const dataDir = path.join(root, 'persist');
    const first = await startEmbeddedPostgres({ dataDir });
    const sql = createSqlForUrl(first.url);
    await sql`create table kept (n int)`;
    await sql`insert into kept values (42)`;
    await sql.end();
    await first.stop();

    const running = await startInChildProcess(dataDir);
    const writer = createSqlForUrl(running.url);
    await writer`insert into kept values (43)`; // committed just before the crash
    await writer.end();
    const postmaster = postmasterPidOf(dataDir);
    assert.ok(postmaster, 'the server wrote its pid file');
    process.kill(running.pid, 'SIGKILL');
    process.kill(postmaster, 'SIGKILL');
    await waitUntilGone(running.pid);
    await waitUntilGone(postmaster);
    assert.ok(existsSync(path.join(dataDir, 'postmaster.pid')), 'the crash left a stale pid file');

    const restarted = await startEmbeddedPostgres({ dataDir });
    const again = createSqlForUrl(restarted.url);
    try {
      assert.deepEqual([...(await again`select n from kept order by n`)], [{ n: 42 }, { n: 43 }]);
    } finally {
      await again.end();
      await restarted.stop();
    }
  });

  it('takes over a server orphaned by a holder killed with SIGKILL', { timeout: 60_000 }, async () => {
    const dataDir = path.join(root, 'persist');
    const running = await startInChildProcess(dataDir);
    const orphan = postmasterPidOf(dataDir)!;
    process.kill(running.pid, 'SIGKILL');
    await waitUntilGone(running.pid);
    process.kill(orphan, 0); // still running

    const server = await startEmbeddedPostgres({ dataDir });
    try {
      await waitUntilGone(orphan);
      const sql = createSqlForUrl(server.url);
      assert.equal((await sql`select 1 as one`)[0]!.one, 1);
      await sql.end();
    } finally {
      await server.stop();
    }
  });

  it('starts although a stale pid file names a live unrelated process', async () => {
    const dataDir = path.join(root, 'shared');
    await writeFile(path.join(dataDir, 'postmaster.pid'), `${process.ppid}\n${dataDir}\n0\n5432\n`);
    const server = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    await server.stop();
  });

  it('bootstrapDatabase listens on EMBEDDED_PG_PORT and explains a taken or invalid one', async () => {
    const dataDir = path.join(root, 'shared');
    const port = await freePort();
    const database = await bootstrapDatabase({ EMBEDDED_PG_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port) });
    try {
      assert.equal(database.kind, 'embedded');
      assert.ok(database.url.includes(`@127.0.0.1:${port}/`));
      assert.equal(database.connectHint, `psql '${database.url}'`);
      assert.equal((await database.sql`select 1 as one`)[0]!.one, 1);
    } finally {
      await database.close();
    }
    const blocker = createServer().listen(port, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      await assert.rejects(bootstrapDatabase({ EMBEDDED_PG_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port) }), new RegExp(`Port ${port} \\(EMBEDDED_PG_PORT\\) is already in use`));
      assert.equal(existsSync(path.join(dataDir, 'peerscope.lock')), false, 'a failed start releases the folder');
    } finally {
      blocker.close();
    }
    await assert.rejects(bootstrapDatabase({ EMBEDDED_PG_DATA_DIR: dataDir, EMBEDDED_PG_PORT: 'abc' }), /EMBEDDED_PG_PORT must be a port number/);
  });
});
