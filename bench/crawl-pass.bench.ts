/**
 * `npm run bench -- crawl-pass`: the whole crawler pipeline on a simulated
 * network: one crawl pass (probes, batched writes, geolocation, score
 * recomputation, snapshot, alert processing) over BENCH_PASS_NODES peers
 * (default 10k; 5% hostile, 5% slow, 5% gone), first on an empty database
 * (discovery) and then again (re-probing known nodes). Runs on the embedded
 * PostgreSQL server (as `npm start` runs it) and, when reachable, on the PostgreSQL at TEST_POSTGRES_URL
 * (default 127.0.0.1:5432). Each database runs in its own child process, so
 * one's memory and warm caches never show in the other's figures, and the
 * simulated network runs in a process of its own (`crawler/simulate.ts`, reached
 * through its description file as `npm run demo` does), so the peak RSS is the
 * crawler's alone (the child's maxRSS, geolocation and database client included;
 * the database server is another process). The repeat
 * pass is handshake-only for nodes whose getaddr answer is cached, as in the
 * worker. Prints a table, writes bench-results/crawl-pass.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { crawlerProbe } from '@/crawler/worker';
import { GetaddrCache } from '@/lib/p2p/getaddr-cache';
import { afterPassHooks } from '@/crawler/hooks';
import { runCrawlPass } from '@/crawler/pass';
import { dialerFromDescription, readSimulatorDescription, resolverFromDescription } from '@/crawler/simulator/description';
import { resolveChain } from '@/lib/chains';
import { openGeoLookup } from '@/lib/geo';
import { openTestDatabase, type TestDatabase } from '@/tests/helpers/database';
import { startBenchEmbeddedServer } from './embedded-server';

const NODES = Number(process.env.BENCH_PASS_NODES ?? 10_000);
const TARGETS = { discoveryPassSeconds: 90, repeatPassSeconds: 90, peakRssMb: 500 };
const timeouts = { connectMs: 3000, handshakeMs: 2000, pingMs: 1000, addrWindowMs: 1000, totalMs: 5000 };

/** Peaks of the crawler process's memory while the passes run (MB), sampled every 50 ms. */
const peaks = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  for (const key of Object.keys(peaks) as (keyof typeof peaks)[]) peaks[key] = Math.max(peaks[key], usage[key]);
}, 50);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

interface SimulatorProcess {
  description: ReturnType<typeof readSimulatorDescription>;
  reachable: number;
  stop(): Promise<void>;
}

/** Runs `crawler/simulate.ts` in a process of its own and waits for its description file. */
async function startSimulatorProcess(): Promise<SimulatorProcess> {
  const out = path.join(tmpdir(), `peerscope-bench-sim-${process.pid}.json`);
  rmSync(out, { force: true });
  const script = fileURLToPath(new URL('../crawler/simulate.ts', import.meta.url));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', script, '--nodes', String(NODES), '--hostile', '0.05', '--slow', '0.05', '--gone', '0.05', '--random-seed', '21', '--out', out],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let waited = 0; !existsSync(out) || !output.includes('Press Ctrl+C'); waited += 100) {
    if (child.exitCode !== null || waited > 300_000) throw new Error(`the simulator did not start: ${output.slice(-500)}`);
    await sleep(100);
  }
  // "behaviours: good=8500, slow=500, …": the peers that complete a handshake.
  const behaviours = Object.fromEntries([...output.matchAll(/(\S+)=(\d+)/g)].map((match) => [match[1], Number(match[2])]));
  const reachable = (behaviours.good ?? 0) + (behaviours.slow ?? 0) + (behaviours['addr-flood'] ?? 0);
  return {
    description: readSimulatorDescription(out),
    reachable,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(out, { force: true });
    },
  };
}

async function postgresReachable(): Promise<boolean> {
  process.env.TEST_DATABASE = 'postgres';
  try {
    const database = await openTestDatabase();
    await database.close();
    return true;
  } catch {
    return false;
  }
}

async function benchBackend(backend: 'embedded' | 'postgres') {
  process.env.TEST_DATABASE = backend;
  const { openMigratedTestDatabase } = await import('@/tests/helpers/database');
  const database: TestDatabase = await openMigratedTestDatabase();
  const simulator = await startSimulatorProcess();
  const network = {
    dialer: dialerFromDescription(simulator.description),
    resolver: resolverFromDescription(simulator.description),
    dnsSeeds: Object.keys(simulator.description.dnsSeeds),
  };
  const base = resolveChain({});
  const chain = { ...base, crawler: { ...base.crawler, concurrency: 256, timeouts } };
  const geo = await openGeoLookup();
  const getaddrCache = new GetaddrCache([3_600_000, 6 * 3_600_000]);
  const probe = crawlerProbe(chain, network.dialer);
  const pass = () =>
    runCrawlPass({
      sql: database.sql,
      chain,
      probe,
      getaddrCache,
      dnsSeeds: network.dnsSeeds,
      resolver: network.resolver,
      geo,
      hooks: afterPassHooks(),
      minRecheckMs: 0,
    });
  try {
    global.gc?.();
    const before = process.memoryUsage();
    const discovery = await pass();
    const repeat = await pass();
    return {
      backend,
      nodes: NODES,
      reachable: simulator.reachable,
      discoveryPass: { seconds: discovery.durationMs / 1000, dialed: discovery.crawl.dialed, up: discovery.crawl.ok, online: discovery.onlineNodes, refused: discovery.crawl.refused },
      repeatPass: { seconds: repeat.durationMs / 1000, dialed: repeat.crawl.dialed, up: repeat.crawl.ok, online: repeat.onlineNodes },
      // The crawler process's own high-water mark (getrusage maxRSS, kB), and the sampled peaks by kind.
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      sampledPeaksMb: { rss: mb(peaks.rss), heapUsed: mb(peaks.heapUsed), external: mb(peaks.external), arrayBuffers: mb(peaks.arrayBuffers) },
      beforePassesMb: { rss: mb(before.rss), heapUsed: mb(before.heapUsed), external: mb(before.external) },
    };
  } finally {
    await simulator.stop();
    await database.close();
  }
}

type BackendResult = Awaited<ReturnType<typeof benchBackend>>;

/** Runs one backend's bench in a child process of its own and returns its result (the child's last stdout line). */
function benchInChild(backend: 'embedded' | 'postgres'): Promise<BackendResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_PASS_BACKEND: backend },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`${backend} bench exited with ${code}: ${output.slice(-2000)}`));
      else resolve(JSON.parse(last) as BackendResult);
    });
  });
}

async function main() {
  const only = process.env.BENCH_PASS_BACKEND as 'embedded' | 'postgres' | undefined;
  if (only) {
    const result = await benchBackend(only);
    clearInterval(sampler);
    console.log(JSON.stringify(result));
    return;
  }
  clearInterval(sampler);
  const backends: ('embedded' | 'postgres')[] = ['embedded'];
  if (await postgresReachable()) backends.push('postgres');
  const results: BackendResult[] = [];
  for (const backend of backends) {
    // The embedded server runs beside the child (its URL goes down in the environment), like npm start runs it.
    const embedded = backend === 'embedded' ? await startBenchEmbeddedServer() : undefined;
    try {
      results.push(await benchInChild(backend));
    } finally {
      await embedded?.stop();
    }
  }

  console.log(`crawl pass over ${NODES} simulated peers (targets: discovery ≤ ${TARGETS.discoveryPassSeconds}s, repeat ≤ ${TARGETS.repeatPassSeconds}s, peak RSS ≤ ${TARGETS.peakRssMb} MB)`);
  console.table(
    results.map((result) => ({
      backend: result.backend,
      'discovery pass s': result.discoveryPass.seconds.toFixed(1),
      'repeat pass s': result.repeatPass.seconds.toFixed(1),
      dialed: result.discoveryPass.dialed,
      refused: result.discoveryPass.refused,
      up: `${result.discoveryPass.up}/${result.reachable}`,
      'peak RSS MB': result.peakRssMb,
      'peak heap MB': result.sampledPeaksMb.heapUsed,
      'peak external MB': result.sampledPeaksMb.external,
      'RSS before passes MB': result.beforePassesMb.rss,
      'meets targets':
        result.discoveryPass.seconds <= TARGETS.discoveryPassSeconds &&
        result.repeatPass.seconds <= TARGETS.repeatPassSeconds &&
        result.peakRssMb <= TARGETS.peakRssMb,
    })),
  );
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/crawl-pass.json', `${JSON.stringify({ targets: TARGETS, results }, null, 2)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
