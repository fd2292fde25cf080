import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeNetwork, writeSimulatorDescription } from '../../crawler/simulator/description';
import { startSimulatedNetwork, type SimulatedNetwork } from '../../crawler/simulator';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { startProcess, stopAllProcesses } from '../helpers/processes';

// `node --import tsx`, not the tsx CLI: the CLI SIGKILLs a child that is slow to acknowledge SIGTERM (exit 143) on a loaded machine.
const RUN_TS = ['--import', 'tsx'];

describe('crawler worker process (npm run crawler)', () => {
  let database: TestDatabase;
  let network: SimulatedNetwork;
  let folder: string;
  let env: Record<string, string>;

  before(async () => {
    database = await openMigratedTestDatabase();
    network = await startSimulatedNetwork({ nodes: 120, hostileShare: 0.05, goneShare: 0.05, randomSeed: 11 });
    folder = await mkdtemp(path.join(tmpdir(), 'peerscope-worker-'));
    const simulatorFile = path.join(folder, 'simulator.json');
    writeSimulatorDescription(describeNetwork(network), simulatorFile);
    const configFile = path.join(folder, 'crawler.json');
    await writeFile(configFile, JSON.stringify({ concurrency: 32, timeouts: { connectMs: 5000, handshakeMs: 8000, pingMs: 4000, addrWindowMs: 1500, totalMs: 15000 } }));
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: database.url,
      CRAWLER_SIMULATOR: simulatorFile,
      CRAWLER_CONFIG: configFile,
      CRAWLER_GEO: 'false',
    };
  });
  after(async () => {
    await stopAllProcesses();
    await network.stop();
    await database.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('crawls the simulated network once and exits 0 with the nodes stored', { timeout: 120_000 }, async () => {
    const worker = startProcess(process.execPath, [...RUN_TS, 'crawler/index.ts'], { ...env, CRAWLER_ONCE: '1' });
    const code = await new Promise<number | null>((resolve) => worker.child.once('exit', resolve));
    assert.equal(code, 0, worker.output());
    assert.match(worker.output(), /crawling simulated Bitcoin network/);
    const [row] = await database.sql<{ up: number; snapshots: number }[]>`
      select (select count(*)::int from nodes where status = 'up') as up,
             (select count(*)::int from network_snapshots) as snapshots`;
    assert.equal(row!.up, network.reachable().length);
    assert.equal(row!.snapshots, 1);
  });

  it('re-probes the network on every interval and stops cleanly on SIGTERM', { timeout: 120_000 }, async () => {
    const worker = startProcess(process.execPath, [...RUN_TS, 'crawler/index.ts'], { ...env, CRAWL_INTERVAL_SECONDS: '5' });
    const probingPasses = () => worker.output().match(/pass done in [\d.]+s: dialed [1-9]/g)?.length ?? 0;
    const deadline = Date.now() + 90_000;
    while (probingPasses() < 2 && Date.now() < deadline && worker.child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(probingPasses(), 2, worker.output());
    assert.equal(await worker.stop(), 0, worker.output());
    const [row] = await database.sql<{ snapshots: number }[]>`select count(*)::int as snapshots from network_snapshots`;
    assert.ok(row!.snapshots >= 3, 'each probing pass took a snapshot');
  });

  it('refuses invalid settings with a message naming the setting', { timeout: 60_000 }, async () => {
    const worker = startProcess(process.execPath, [...RUN_TS, 'crawler/index.ts'], { ...env, CRAWL_INTERVAL_SECONDS: 'soon' });
    const code = await new Promise<number | null>((resolve) => worker.child.once('exit', resolve));
    assert.equal(code, 1);
    assert.match(worker.output(), /CRAWL_INTERVAL_SECONDS/);
  });
});
