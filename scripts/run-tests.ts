/**
 * Runs the test suites with Node's own test runner (TypeScript through tsx).
 *
 *   unit      tests/unit + tests/db on one embedded PostgreSQL server started for
 *             the run (a database per test file): needs nothing installed.
 *   services  tests/db on the PostgreSQL server at TEST_POSTGRES_URL
 *             (default 127.0.0.1:5432) + tests/services (PostgreSQL and Redis)
 *             + tests/e2e (npm start, the built app, and Debian's chromium).
 *
 * Extra arguments filter test files by substring: `npm test -- migrations`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../lib/db/embedded';
import { productionBuildIsStale } from './lib/build-freshness';

const SUITES: Record<string, { folders: string[]; env: Record<string, string>; embeddedServer: boolean }> = {
  unit: { folders: ['tests/unit', 'tests/db'], env: { TEST_DATABASE: 'embedded' }, embeddedServer: true },
  services: { folders: ['tests/db', 'tests/services', 'tests/e2e'], env: { TEST_DATABASE: 'postgres' }, embeddedServer: false },
};

function listTestFiles(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const full = path.join(folder, entry);
    if (statSync(full).isDirectory()) return listTestFiles(full);
    return entry.endsWith('.test.ts') ? [full] : [];
  });
}

const [suiteName = 'unit', ...filters] = process.argv.slice(2);
const suite = SUITES[suiteName];
if (!suite) {
  console.error(`Unknown suite "${suiteName}". Use one of: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}
const files = suite.folders
  .flatMap(listTestFiles)
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`No test files found for suite "${suiteName}"${filters.length ? ` matching ${filters.join(', ')}` : ''}.`);
  process.exit(1);
}

// The end-to-end files serve the production build: build it once here, before they run two at a time,
// so no two of them race to build (each `npm start` would otherwise build a stale checkout itself).
if (files.some((file) => file.includes(`${path.sep}e2e${path.sep}`) || file.startsWith('tests/e2e')) && productionBuildIsStale(process.cwd())) {
  console.log('building the web app once for the end-to-end tests…');
  const built = spawnSync(process.execPath, [path.join('node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (built.status !== 0) {
    console.error('The web app build failed; the end-to-end tests need it.');
    process.exit(1);
  }
}

// One throwaway server for the whole run; tests/helpers/database.ts makes a database per file on it.
let server: EmbeddedPostgres | undefined;
const serverDir = suite.embeddedServer ? mkdtempSync(path.join(tmpdir(), 'peerscope-tests-pg-')) : undefined;
async function stopServer(): Promise<void> {
  await server?.stop();
  if (serverDir) rmSync(serverDir, { recursive: true, force: true });
}
if (serverDir) {
  try {
    server = await startEmbeddedPostgres({ dataDir: serverDir, ephemeral: true });
  } catch (error) {
    console.error(`The embedded PostgreSQL for the tests did not start: ${(error as Error).message}`);
    await stopServer();
    process.exit(1);
  }
}

// Ctrl+C reaches the test runner too; wait for it, then stop the server.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, ...suite.env, NODE_ENV: 'test', ...(server ? { TEST_EMBEDDED_POSTGRES_URL: server.url } : {}) },
  },
);
child.on('exit', (code, signal) => {
  void stopServer().finally(() => process.exit(signal ? 1 : (code ?? 1)));
});
