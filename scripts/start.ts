/**
 * `npm start`: the whole product on one machine.
 *   1. database: DATABASE_URL, or the embedded PostgreSQL server (cluster in
 *      .data/postgres; .data/demo-postgres for the demo), started on a free loopback port
 *   2. migrations from supabase/migrations
 *   3. a production build of the web app when missing or stale (`--dev` runs next dev instead)
 *   4. the web app, the crawler and the monitor as supervised child processes
 * `--demo` (npm run demo) also runs a loopback network simulator and points the
 * crawler at it, so a machine without internet access shows a live network.
 * Ctrl+C stops everything, the embedded database last (a clean fast shutdown).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nextEnv from '@next/env';
import { bootstrapDatabase, DEFAULT_EMBEDDED_DATA_DIR } from '../lib/db/bootstrap';
import { migrate } from '../lib/db/migrate';
import { seedDemoHistory } from '../lib/demo/history';
import { DEMO_RETENTION_ENV } from '../lib/retention/demo';
import { readSimulatorDescription } from '../crawler/simulator/description';
import { productionBuildIsStale } from './lib/build-freshness';
import { withBuildLock } from './lib/build-lock';
import { Supervisor, type ServiceSpec } from './lib/supervisor';

const root = process.cwd();
const devMode = process.argv.includes('--dev');
const demoMode = process.argv.includes('--demo');
nextEnv.loadEnvConfig(root, devMode);

const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
// `node --import tsx` rather than the tsx CLI, which SIGKILLs a child slow to acknowledge SIGTERM.
const runTs = ['--import', 'tsx'];
const log = (message: string) => console.log(`[peerscope] ${message}`);

async function main(): Promise<void> {
  // The demo's simulated network must never land in the real database.
  const defaultDataDir = demoMode ? path.join(root, '.data', 'demo-postgres') : DEFAULT_EMBEDDED_DATA_DIR;
  const database = await bootstrapDatabase(process.env, { applicationName: 'peerscope-start', defaultDataDir });
  log(`database: ${database.display}`);
  if (database.connectHint) log(`connect with: ${database.connectHint}`);
  if (database.kind === 'embedded' && existsSync(path.join(root, '.data', 'pglite'))) {
    log('note: .data/pglite holds data of the former PGlite database, which is no longer used; delete it when you no longer need it.');
  }
  let shuttingDown = false;
  let demoDescription: string | undefined;
  const supervisor = new Supervisor((_name, code) => void shutdown(code ?? 1));

  async function shutdown(exitCode: number): Promise<void> {
    if (shuttingDown) return;
    shuttingDown = true;
    log('stopping…');
    await supervisor.stopAll();
    await database.close();
    if (demoDescription) rmSync(demoDescription, { force: true });
    log('stopped.');
    process.exit(exitCode);
  }
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  void database.serverExited?.then(() => {
    if (shuttingDown) return;
    console.error(`[peerscope] the embedded PostgreSQL server stopped unexpectedly:\n${database.serverLog?.() ?? ''}`);
    void shutdown(1);
  });

  try {
    const result = await migrate(database.sql, { log: (message) => log(`migrations: ${message}`) });
    log(`migrations: ${result.applied.length} applied, ${result.alreadyApplied.length} already in place`);
  } catch (error) {
    console.error(`[peerscope] ${(error as Error).message}`);
    await shutdown(1);
    return;
  }

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    PEERSCOPE_DATABASE_KIND: database.kind,
    NEXT_TELEMETRY_DISABLED: '1',
  };
  const port = process.env.PORT ?? '3000';
  const host = process.env.HOST ?? '127.0.0.1';

  if (!devMode && (process.env.PEERSCOPE_SKIP_BUILD !== '1') && productionBuildIsStale(root)) {
    // Another start in this checkout may be building; wait for it, then check again.
    const built = await withBuildLock(root, () => {
      if (!productionBuildIsStale(root)) return true;
      log('building the web app (first start, or sources changed)…');
      return spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit', env: childEnv }).status === 0;
    });
    if (!built) {
      console.error('[peerscope] the web app build failed; see the output above.');
      await shutdown(1);
      return;
    }
  }

  if (demoMode) {
    const description = await startDemoSimulator(supervisor, childEnv);
    if (!description) return shutdown(1);
    demoDescription = description;
    childEnv.CRAWLER_SIMULATOR = description;
    childEnv.CRAWL_INTERVAL_SECONDS ??= '60';
    // A pass a minute: short history windows keep the demo database from growing (lib/retention/demo.ts).
    for (const [name, value] of Object.entries(DEMO_RETENTION_ENV)) childEnv[name] ??= value;
    try {
      const history = await seedDemoHistory(database.sql, Object.keys(readSimulatorDescription(description).routes));
      if (history) log(`demo: seeded 7 days of history (${history.checks} checks, ${history.snapshots} snapshots) for ${history.nodes} peers`);
    } catch (error) {
      log(`demo: could not seed a history, starting without one (${(error as Error).message})`);
    }
  }
  supervisor.start({
    name: 'web',
    command: process.execPath,
    // Our server wraps Next so the app sees the real socket address (see scripts/web-server.ts).
    args: [...runTs, path.join(root, 'scripts', 'web-server.ts'), ...(devMode ? ['--dev'] : []), '--port', port, '--hostname', host],
    env: childEnv,
    restartOnExit: false,
  });
  if (process.env.CRAWLER_ENABLED !== 'false') {
    supervisor.start({ name: 'crawler', command: process.execPath, args: [...runTs, path.join(root, 'crawler', 'index.ts')], env: childEnv, restartOnExit: true });
  }
  if (process.env.CRAWLER_ENABLED !== 'false' && process.env.MONITOR_ENABLED !== 'false') {
    supervisor.start({ name: 'monitor', command: process.execPath, args: [...runTs, path.join(root, 'crawler', 'monitor.ts')], env: childEnv, restartOnExit: true });
  }
  log(`web app on http://${host}:${port}`);
}

/** Starts `npm run simulate` as a service and waits until it has written its description. */
async function startDemoSimulator(supervisor: Supervisor, env: NodeJS.ProcessEnv): Promise<string | null> {
  // Per start process, so two demos (or tests) never share or delete each other's file.
  const description = path.join(tmpdir(), `peerscope-demo-simulator-${process.pid}.json`);
  const nodes = process.env.DEMO_NODES ?? '2000';
  rmSync(description, { force: true });
  const child = supervisor.start({
    name: 'simulator',
    command: process.execPath,
    // Blocks every 2 minutes and a transaction a second, spreading over the peers, so the monitor records data propagation.
    args: [...runTs, path.join(root, 'crawler', 'simulate.ts'), '--nodes', nodes, '--out', description, '--block-interval', '120', '--tx-per-second', '1', '--spread-ms', '1500'],
    env,
    restartOnExit: false,
  });
  for (let waited = 0; child && waited < 60_000; waited += 250) {
    try {
      if (JSON.parse(readFileSync(description, 'utf8')).format) {
        log(`demo: simulated network of ${nodes} peers on loopback`);
        return description;
      }
    } catch {
      // Not written yet.
    }
    await sleep(250);
  }
  console.error('[peerscope] the demo simulator did not start in time.');
  return null;
}

main().catch((error: Error) => {
  console.error(`[peerscope] ${error.message}`);
  process.exit(1);
});
