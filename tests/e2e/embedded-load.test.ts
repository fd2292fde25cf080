import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSqlForUrl, type Sql } from '../../lib/db/client';
import { freePort, startProcess, stopAllProcesses, waitForHttp, type RunningProcess } from '../helpers/processes';

// `node --import tsx`, not the tsx CLI: the CLI relays SIGTERM and SIGKILLs its child (exit 143) when the
// child does not acknowledge within 30 ms, which happens on a loaded machine.
const RUN_TS = ['--import', 'tsx'];
const LOAD_SECONDS = 30;
const MAX_LOAD_SECONDS = 180;
const CLIENTS = 3;

/**
 * `npm run demo` on the embedded default, with API clients hammering it while
 * the crawler writes: every request must be answered, none with a 5xx (issue 9:
 * PGlite's single shared session made 16% of them fail during a pass).
 */
describe('the embedded database under load while the crawler writes (npm run demo)', () => {
  let dataDir: string;
  let app: RunningProcess;
  let base: string;
  let sql: Sql | undefined;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'peerscope-load-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    app = startProcess(process.execPath, [...RUN_TS, 'scripts/start.ts', '--demo'], {
      ...inherited,
      PORT: String(port),
      EMBEDDED_PG_DATA_DIR: dataDir,
      DEMO_NODES: '1500',
      // Passes back to back (a node is re-probed after half the interval), so the crawler writes all along.
      CRAWL_INTERVAL_SECONDS: '6',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000',
      AUTH_JWT_SECRET: 'embedded-load-test-secret-0123456789abcdef',
    });
    await waitForHttp(`${base}/api/health`, { process: app, timeoutMs: 400_000 });
    const url = /connect with: psql '([^']+)'/.exec(app.output())?.[1];
    assert.ok(url, `npm start printed how to connect:\n${app.output()}`);
    sql = createSqlForUrl(url, { maxConnections: 1 });
  });

  after(async () => {
    await sql?.end({ timeout: 5 });
    await stopAllProcesses();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`answers ${CLIENTS} clients for ${LOAD_SECONDS} s during crawl passes with no 5xx and no transport error`, { timeout: 400_000 }, async (t) => {
    const signup = await fetch(`${base}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'load@example.com', password: 'load-test-password-1' }),
    });
    const signupBody = await signup.text();
    assert.equal(signup.status, 201, signupBody);
    const { token } = JSON.parse(signupBody) as { token: string };

    const countChecks = async () => (await sql!<{ n: number }[]>`select count(*)::int as n from node_checks`)[0]!.n;
    const passesLogged = () => (app.output().match(/pass done in [\d.]+s: dialed [1-9]/g) ?? []).length;
    const checksBefore = await countChecks();
    const passesBefore = passesLogged();
    const crawlerLog = () => app.output().split('\n').filter((line) => !line.startsWith('[web]')).slice(-40).join('\n');

    const routes = ['/api/nodes.json?limit=100', '/api/stats.json', '/api/leaderboard', '/api/auth/me'];
    const statuses = new Map<string, number>();
    const failures: string[] = [];
    let requests = 0;
    // At least LOAD_SECONDS, and on until a whole crawl pass has run under the load.
    const started = Date.now();
    const loadGoesOn = () => Date.now() - started < LOAD_SECONDS * 1000 || (passesLogged() <= passesBefore && Date.now() - started < MAX_LOAD_SECONDS * 1000);
    const client = async (offset: number) => {
      for (let i = offset; loadGoesOn(); i += 1) {
        const route = routes[i % routes.length]!;
        requests += 1;
        try {
          const response = await fetch(`${base}${route}`, {
            headers: route === '/api/auth/me' ? { authorization: `Bearer ${token}` } : {},
            signal: AbortSignal.timeout(30_000),
          });
          const body = await response.text();
          const key = `${route.split('?')[0]} ${response.status}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          if (response.status !== 200) failures.push(`${key}: ${body.slice(0, 200)}`);
        } catch (error) {
          failures.push(`${route}: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, index) => client(index)));

    const summary = JSON.stringify(Object.fromEntries(statuses));
    t.diagnostic(`${requests} requests in ${Math.round((Date.now() - started) / 1000)} s: ${summary}; crawl passes during the load: ${passesLogged() - passesBefore}`);
    assert.deepEqual(failures.slice(0, 10), [], `every request answered 200 (${summary})`);
    assert.ok(requests >= 100, `the clients kept the app busy (${requests} requests: ${summary})`);
    assert.ok((await countChecks()) > checksBefore, 'the crawler wrote probe results during the load');
    assert.ok(passesLogged() > passesBefore, `a crawl pass that dialed peers finished during the load:\n${crawlerLog()}`);
    assert.doesNotMatch(app.output(), /portal "" does not exist|pass failed/);
  });
});
