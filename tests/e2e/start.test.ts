import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSqlForUrl } from '../../lib/db/client';
import { startEmbeddedPostgres } from '../../lib/db/embedded';
import { launchBrowser, screenshot } from '../helpers/browser';
import { freePort, startProcess, waitForHttp, stopAllProcesses } from '../helpers/processes';

// `node --import tsx`, not the tsx CLI: the CLI relays SIGTERM and SIGKILLs its child (exit 143) when the
// child does not acknowledge within 30 ms, which happens on a loaded machine.
const RUN_TS = ['--import', 'tsx'];

function startPeerscope(env: Record<string, string>) {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  return startProcess(process.execPath, [...RUN_TS, 'scripts/start.ts'], { ...inherited, ...env });
}

describe('npm start on the embedded database', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'peerscope-start-'));
  });
  after(async () => {
    await stopAllProcesses();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('builds, migrates, serves the app, and shuts down cleanly keeping the data', { timeout: 300_000 }, async () => {
    const port = await freePort();
    const app = startPeerscope({ PORT: String(port), EMBEDDED_PG_DATA_DIR: dataDir, CRAWLER_ENABLED: 'false' });
    try {
      const health = await (await waitForHttp(`http://127.0.0.1:${port}/api/health`, { process: app })).json();
      assert.equal(health.status, 'healthy');
      assert.ok(!Number.isNaN(Date.parse(health.timestamp)), 'an ISO timestamp');
      assert.equal(health.database.kind, 'embedded');
      assert.deepEqual(health.database.pending_migrations, []);
      assert.match(app.output(), /connect with: psql 'postgres:\/\/postgres:[^@']+@127\.0\.0\.1:\d+\/postgres'/);
      // A second start on the same folder refuses, naming the running one.
      const second = startPeerscope({ PORT: String(await freePort()), EMBEDDED_PG_DATA_DIR: dataDir, CRAWLER_ENABLED: 'false' });
      assert.equal(await new Promise<number | null>((resolve) => second.child.once('exit', resolve)), 1);
      assert.match(second.output(), /already in use by process \d+ \(its PostgreSQL listens on 127\.0\.0\.1:\d+\)/);
      // Bitnodes-style trailing-slash URLs are served directly, not redirected.
      const bitnodes = await fetch(`http://127.0.0.1:${port}/api/v1/snapshots/`, { redirect: 'manual' });
      assert.equal(bitnodes.status, 200);
      assert.equal(typeof (await bitnodes.json()).count, 'number');
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        await page.goto(`http://127.0.0.1:${port}/`);
        await page.getByRole('heading', { name: 'Network overview' }).waitFor();
        assert.equal(await page.locator('.stat').count(), 4);
        await screenshot(page, 'start-home');
      } finally {
        await browser.close();
      }
    } finally {
      assert.equal(await app.stop(), 0, `npm start did not exit cleanly:\n${app.output()}`);
    }
    assert.equal(existsSync(path.join(dataDir, 'peerscope.lock')), false, 'the data folder lock is released');

    // The data survived: the folder opens again with the schema in place.
    const reopened = await startEmbeddedPostgres({ dataDir });
    const sql = createSqlForUrl(reopened.url);
    try {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from peerscope_migrations`;
      assert.ok(row!.n >= 1);
    } finally {
      await sql.end();
      await reopened.stop();
    }
  });

  it('Ctrl+C in a terminal (SIGINT to the whole process group) stops everything cleanly and releases the folder', { timeout: 300_000 }, async () => {
    const port = await freePort();
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    // A process group of its own, as a terminal's foreground job: the signal reaches every process in it.
    const app = spawn(process.execPath, [...RUN_TS, 'scripts/start.ts'], {
      env: { ...inherited, PORT: String(port), EMBEDDED_PG_DATA_DIR: dataDir, CRAWLER_ENABLED: 'false' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    app.stdout.on('data', (chunk) => (output += chunk));
    app.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => app.once('exit', resolve));
    try {
      await waitForHttp(`http://127.0.0.1:${port}/api/health`);
      process.kill(-app.pid!, 'SIGINT');
      assert.equal(await exited, 0, output);
    } finally {
      if (app.exitCode === null) process.kill(-app.pid!, 'SIGKILL');
    }
    assert.match(output, /stopped\./);
    assert.doesNotMatch(output, /stopped unexpectedly/);
    assert.equal(existsSync(path.join(dataDir, 'postmaster.pid')), false, 'the server shut down cleanly');
    assert.equal(existsSync(path.join(dataDir, 'peerscope.lock')), false, 'the data folder lock is released');
  });

  it('exits with a clear message when DATABASE_URL is not PostgreSQL', { timeout: 60_000 }, async () => {
    const app = startPeerscope({ DATABASE_URL: 'mysql://root@127.0.0.1/x', CRAWLER_ENABLED: 'false' });
    const code = await new Promise<number | null>((resolve) => app.child.once('exit', resolve));
    assert.equal(code, 1);
    assert.match(app.output(), /DATABASE_URL must start with postgres:\/\//);
  });
});
