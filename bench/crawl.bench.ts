/**
 * `npm run bench -- crawl`: handshakes per second against simulated peers,
 * and a full crawl of a 10k-node simulated network (5% hostile, 5% slow,
 * 5% gone), with peak RSS / heap. Prints a table and writes
 * bench-results/crawl.json. Targets are reported here, never asserted in tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { startSimulatedNetwork } from '@/crawler/simulator';
import { CHAIN_PRESETS } from '@/lib/chains/presets';
import { crawlNetwork } from '@/lib/p2p/crawl';
import { probePeer } from '@/lib/p2p/probe';

const chain = CHAIN_PRESETS.bitcoin;
const NODES = Number(process.env.BENCH_CRAWL_NODES ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CRAWL_CONCURRENCY ?? 256);
const timeouts = { connectMs: 3000, handshakeMs: 2000, pingMs: 1000, addrWindowMs: 1000, totalMs: 5000 };

const TARGETS = {
  handshakesPerSecond: 500,
  fullCrawlSeconds: 60,
  peakRssMb: 1024,
};

let peakRss = 0;
let peakHeap = 0;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  peakRss = Math.max(peakRss, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed);
}, 50);

async function main() {
  global.gc?.();
  const startupStarted = performance.now();
  const network = await startSimulatedNetwork({ nodes: NODES, chain, hostileShare: 0.05, slowShare: 0.05, goneShare: 0.05, randomSeed: 77 });
  const startupMs = performance.now() - startupStarted;

  // 1. Raw handshake throughput: probe good peers only, at full concurrency.
  const good = network.peers.filter((peer) => peer.profile.behaviour === 'good').slice(0, 5000);
  let cursor = 0;
  let handshakes = 0;
  const throughputStarted = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (cursor < good.length) {
        const peer = good[cursor++]!;
        const result = await probePeer(peer.address, { chain, dialer: network.dialer, timeouts });
        if (result.ok) handshakes += 1;
      }
    }),
  );
  const throughputSeconds = (performance.now() - throughputStarted) / 1000;

  // 2. Full crawl from the fake DNS seed.
  global.gc?.();
  const crawlStarted = performance.now();
  const stats = await crawlNetwork({
    chain,
    dnsSeeds: network.dnsSeeds,
    resolver: network.resolver,
    probe: (address, signal) => probePeer(address, { chain, dialer: network.dialer, timeouts, signal }),
    concurrency: CONCURRENCY,
    maxAddresses: 200_000,
  });
  const crawlSeconds = (performance.now() - crawlStarted) / 1000;
  const reachable = network.reachable().length;
  await network.stop();
  clearInterval(sampler);

  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  const rows = [
    { metric: 'simulated peers', value: NODES, target: '' },
    { metric: 'network startup (s)', value: +(startupMs / 1000).toFixed(2), target: '' },
    { metric: 'handshakes/s (good peers)', value: Math.round(handshakes / throughputSeconds), target: `>= ${TARGETS.handshakesPerSecond}` },
    { metric: 'full crawl (s)', value: +crawlSeconds.toFixed(2), target: `<= ${TARGETS.fullCrawlSeconds}` },
    { metric: 'crawl dialed', value: stats.dialed, target: '' },
    { metric: 'crawl ok / reachable', value: `${stats.ok} / ${reachable}`, target: 'all' },
    { metric: 'crawl failed', value: stats.failed, target: '' },
    { metric: 'max concurrent probes', value: stats.maxConcurrent, target: `<= ${CONCURRENCY}` },
    { metric: 'peak RSS (MB)', value: mb(peakRss), target: `<= ${TARGETS.peakRssMb}` },
    { metric: 'peak heap (MB)', value: mb(peakHeap), target: '' },
  ];
  console.table(rows);
  const verdicts = {
    handshakes: handshakes / throughputSeconds >= TARGETS.handshakesPerSecond,
    fullCrawl: crawlSeconds <= TARGETS.fullCrawlSeconds,
    allReachableFound: stats.ok === reachable,
    memory: mb(peakRss) <= TARGETS.peakRssMb,
  };
  console.log('targets met:', verdicts);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(
    'bench-results/crawl.json',
    `${JSON.stringify({ bench: 'crawl', at: new Date().toISOString(), nodes: NODES, concurrency: CONCURRENCY, timeouts, targets: TARGETS, verdicts, rows, stats }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  clearInterval(sampler);
  console.error(error);
  process.exit(1);
});
