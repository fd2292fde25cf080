/**
 * `npm start`: the whole product on one machine.
 *   1. database: DATABASE_URL, or the embedded PGlite (persisted in .data/pglite)
 *   2. migrations from supabase/migrations
 *   3. a production build of the web app when missing or stale (`--dev` runs next dev instead)
 *   4. the web app, the crawler and the monitor as supervised child processes
 * `--demo` (npm run demo) also runs a loopback network simulator and points the
 * crawler at it, so a machine without internet access shows a live network.
 * Ctrl+C stops everything and closes the embedded database cleanly.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import nextEnv from '@next/env';
import { bootstrapDatabase } from '../lib/db/bootstrap';
import { migrate } from '../lib/db/migrate';
import { productionBuildIsStale } from './lib/build-freshness';
import { withBuildLock } from './lib/build-lock';
import { Supervisor, type ServiceSpec } from './lib/supervisor';

const root = process.cwd();
const devMode = process.argv.includes('--dev');
const demoMode = process.argv.includes('--demo');
nextEnv.loadEnvConfig(root, devMode);

const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
const tsxCli = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const log = (message: string) => console.log(`[peerscope] ${message}`);

async function main(): Promise<void> {
  const database = await bootstrapDatabase(process.env, 'peerscope-start');
  log(`database: ${database.display}`);
  let shuttingDown = false;
  const supervisor = new Supervisor((_name, code) => void shutdown(code ?? 1));

  async function shutdown(exitCode: number): Promise<void> {
    if (shuttingDown) return;
    shuttingDown = true;
    log('stopping…');
    await supervisor.stopAll();
    await database.close();
    log('stopped.');
    process.exit(exitCode);
  }
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

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

  supervisor.start({
    name: 'web',
    command: process.execPath,
    args: [nextBin, devMode ? 'dev' : 'start', '--port', port, '--hostname', host],
    env: childEnv,
    restartOnExit: false,
  });
  if (demoMode) {
    const description = await startDemoSimulator(supervisor, childEnv);
    if (!description) return shutdown(1);
    childEnv.CRAWLER_SIMULATOR = description;
    childEnv.CRAWL_INTERVAL_SECONDS ??= '60';
  }
  if (process.env.CRAWLER_ENABLED !== 'false') {
    supervisor.start({ name: 'crawler', command: process.execPath, args: [tsxCli, path.join(root, 'crawler', 'index.ts')], env: childEnv, restartOnExit: true });
  }
  if (process.env.CRAWLER_ENABLED !== 'false' && process.env.MONITOR_ENABLED !== 'false') {
    supervisor.start({ name: 'monitor', command: process.execPath, args: [tsxCli, path.join(root, 'crawler', 'monitor.ts')], env: childEnv, restartOnExit: true });
  }
  log(`web app on http://${host}:${port}`);
}

/** Starts `npm run simulate` as a service and waits until it has written its description. */
async function startDemoSimulator(supervisor: Supervisor, env: NodeJS.ProcessEnv): Promise<string | null> {
  const description = path.join(root, '.data', 'simulator.json');
  const nodes = process.env.DEMO_NODES ?? '2000';
  rmSync(description, { force: true });
  const child = supervisor.start({
    name: 'simulator',
    command: process.execPath,
    args: [tsxCli, path.join(root, 'crawler', 'simulate.ts'), '--nodes', nodes, '--out', description],
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
