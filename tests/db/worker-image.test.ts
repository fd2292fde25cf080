import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeNetwork, writeSimulatorDescription } from '../../crawler/simulator/description';
import { startSimulatedNetwork, type SimulatedNetwork } from '../../crawler/simulator';
import { readDockerfile } from '../helpers/dockerfile';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

/**
 * The worker image without Docker: a folder holding exactly what the Dockerfile COPYs (plus node_modules, which the
 * image installs with npm ci), where the image's CMD runs one crawl pass against a test database.
 */
describe(`worker image entry point (Dockerfile CMD) on ${testBackend()}`, () => {
  let database: TestDatabase;
  let network: SimulatedNetwork;
  let image: string;

  before(async () => {
    database = await openMigratedTestDatabase();
    network = await startSimulatedNetwork({ nodes: 30, hostileShare: 0, goneShare: 0.1, randomSeed: 3 });
    image = await mkdtemp(path.join(tmpdir(), 'peerscope-image-'));
    const docker = readDockerfile();
    for (const copy of docker.copies) {
      const destination = copy.at(-1)!;
      for (const source of copy.slice(0, -1)) {
        const target = destination.endsWith('/') || destination === '.' || destination === './' ? path.join(image, path.basename(source)) : path.join(image, destination);
        await cp(source, target, { recursive: true });
      }
    }
    await symlink(path.resolve('node_modules'), path.join(image, 'node_modules'), 'dir');
    writeSimulatorDescription(describeNetwork(network), path.join(image, 'simulator.json'));
    await writeFile(
      path.join(image, 'crawler.json'),
      JSON.stringify({ concurrency: 16, timeouts: { connectMs: 5000, handshakeMs: 8000, pingMs: 4000, addrWindowMs: 1500, totalMs: 15000 } }),
    );
  });
  after(async () => {
    await network.stop();
    await database.close();
    await rm(image, { recursive: true, force: true });
  });

  it('starts from the copied files alone, runs one pass with CRAWLER_ONCE=1 and records it', { timeout: 120_000 }, async () => {
    const [command, ...args] = readDockerfile().cmd;
    assert.equal(command, 'node');
    const child = spawn(process.execPath, args, {
      cwd: image,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'production',
        DATABASE_URL: database.url,
        CRAWLER_ONCE: '1',
        CRAWLER_GEO: 'false',
        CRAWLER_SIMULATOR: 'simulator.json',
        CRAWLER_CONFIG: 'crawler.json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    assert.equal(code, 0, output);
    assert.match(output, /crawling simulated Bitcoin network/);
    const runs = await database.sql<{ outcome: string; dialed_ok: number }[]>`select outcome, dialed_ok from crawler_runs`;
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.outcome, 'ok');
    assert.equal(runs[0]!.dialed_ok, network.reachable().length);
  });
});
