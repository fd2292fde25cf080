import { setTimeout as sleep } from 'node:timers/promises';
import { resolveChain, type ResolvedChain } from '@/lib/chains';
import type { Sql } from '@/lib/db/client';
import type { GeoLookup } from '@/lib/geo';
import { defaultDialer, type Dialer } from '@/lib/p2p/dialer';
import { probePeer } from '@/lib/p2p/probe';
import { parsePeerAddress } from '@/lib/p2p/address';
import type { ProbeFunction, Resolver } from '@/lib/p2p/crawl';
import { GetaddrCache } from '@/lib/p2p/getaddr-cache';
import { ReverseDns, systemReverseLookup, type ReverseLookup } from '@/lib/crawler/reverse-dns';
import { minimumPeerVersion } from '@/lib/chains/presets';
import { DEFAULT_MIN_RECHECK_MS } from '@/lib/crawler/persist';
import { recordCrawlRun, type CrawlRun } from '@/lib/crawler/runs';
import { clearCrawlerHeartbeat, recordCrawlerHeartbeat, throttledBeat } from '@/lib/crawler/heartbeat';
import { countSeedLookups } from '@/lib/crawler/seed-lookups';
import { dialerFromDescription, readSimulatorDescription, resolverFromDescription } from './simulator/description';
import { runCrawlPass, type CrawlPassSummary, type PassHook } from './pass';
import { describePass, formatProgress } from './progress';
import type { WorkerSettings } from './settings';

export interface NetworkAccess {
  chain: ResolvedChain;
  dialer: Dialer;
  resolver?: Resolver;
  dnsSeeds: string[];
  description: string;
}

/**
 * How the worker reaches peers: the real network through the chain's DNS
 * seeds (and a SOCKS5 proxy for onion/i2p when configured), or a running
 * simulator's loopback network when CRAWLER_SIMULATOR names its description.
 */
export function resolveNetworkAccess(settings: WorkerSettings, env: Record<string, string | undefined> = process.env): NetworkAccess {
  const chain = resolveChain(env);
  if (!settings.simulatorPath) {
    const proxy = chain.crawler.socks5Proxy;
    const i2p = chain.crawler.i2pProxy;
    return {
      chain,
      dialer: defaultDialer(proxy, i2p),
      dnsSeeds: chain.dnsSeeds,
      description:
        `${chain.displayName} via ${chain.dnsSeeds.length} DNS seeds` +
        (proxy ? ` (onion through ${proxy.host}:${proxy.port})` : '') +
        (i2p ? ` (i2p through ${i2p.host}:${i2p.port})` : ''),
    };
  }
  const simulator = readSimulatorDescription(settings.simulatorPath);
  if (simulator.chain !== chain.id) {
    throw new Error(`The simulator at ${settings.simulatorPath} runs chain "${simulator.chain}" but CHAIN is "${chain.id}".`);
  }
  const seeds = simulator.seeds.map((seed) => parsePeerAddress(seed, chain.defaultPort));
  // A simulator started with --loopback advertises its 127/8 listeners: a test network, so non-public gossip is allowed.
  const advertisesLoopback = Object.keys(simulator.routes).some((key) => key.startsWith('127.'));
  return {
    chain: {
      ...chain,
      crawler: {
        ...chain.crawler,
        seeds: [...chain.crawler.seeds, ...seeds],
        allowNonPublicAddresses: chain.crawler.allowNonPublicAddresses || advertisesLoopback,
        // Simulated peers have no reverse DNS.
        reverseDns: { ...chain.crawler.reverseDns, enabled: false },
      },
    },
    dialer: dialerFromDescription(simulator),
    resolver: resolverFromDescription(simulator),
    dnsSeeds: Object.keys(simulator.dnsSeeds),
    description: `simulated ${chain.displayName} network (${Object.keys(simulator.routes).length} peers, ${settings.simulatorPath})`,
  };
}

export interface WorkerOptions {
  sql: Sql;
  settings: WorkerSettings;
  access: NetworkAccess;
  geo?: GeoLookup;
  hooks?: PassHook[];
  signal: AbortSignal;
  log: (message: string) => void;
  onPass?: (summary: CrawlPassSummary) => void;
  /** Receives a progress line every few seconds during a pass (the entry point prints it when stdout is a terminal). */
  progress?: (line: string) => void;
  /** PTR lookups (default node:dns reverse) when the chain's reverseDns is enabled. */
  reverseLookup?: ReverseLookup;
}

/**
 * Every pass re-probes what the previous pass saw: a node is due again after
 * half the crawl interval (at most the persistence layer's default), so short
 * demo intervals still refresh everything and long ones never hammer a peer.
 */
export function minRecheckFor(intervalMs: number): number {
  return Math.min(DEFAULT_MIN_RECHECK_MS, Math.floor(intervalMs / 2));
}


/** The crawler's probe: the chain's limits, gossip window, getaddr quiet period and minimum peer version. */
export function crawlerProbe(chain: ResolvedChain, dialer: Dialer): ProbeFunction {
  const { crawler } = chain;
  return (address, signal, request) =>
    probePeer(address, {
      chain,
      dialer,
      timeouts: crawler.timeouts,
      maxLearned: crawler.maxLearnedPerPeer,
      maxPayloadBytes: crawler.maxPayloadBytes,
      signal,
      getaddr: request?.getaddr ?? true,
      addrQuietMs: crawler.addrQuietMs,
      addrMaxAgeSeconds: crawler.addrMaxAgeSeconds,
      addrMaxFutureSeconds: crawler.addrMaxFutureSeconds,
      minPeerVersion: (height) => crawler.minProtocolVersion ?? minimumPeerVersion(chain, height),
    });
}

/** Runs passes until the signal aborts (or once, with CRAWLER_ONCE). A failed pass is logged and retried next interval. */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const { sql, settings, access, signal, log } = options;
  const { chain } = access;
  const probe = crawlerProbe(chain, access.dialer);
  const [lowHours, highHours] = chain.crawler.getaddrIntervalHours;
  const reverse = chain.crawler.reverseDns;
  const reverseDns = reverse.enabled
    ? new ReverseDns({ lookup: options.reverseLookup ?? systemReverseLookup, timeoutMs: reverse.timeoutMs, concurrency: reverse.concurrency, maxEntries: chain.crawler.maxAddresses })
    : undefined;
  const getaddrCache = new GetaddrCache([lowHours * 3_600_000, highHours * 3_600_000], chain.crawler.maxAddresses);
  log(`crawling ${access.description}`);
  const workerStarted = new Date();
  const beat = (passStartedAt?: Date) =>
    recordCrawlerHeartbeat(sql, { chain: chain.id, startedAt: workerStarted, passStartedAt }).catch((error: Error) =>
      log(`writing the crawler heartbeat failed: ${error.message}`),
    );
  const progressBeat = throttledBeat(() => beat());
  try {
    await runPasses();
  } finally {
    // A clean stop says "not running"; CRAWLER_ONCE (cron) keeps its beat, so a missed run goes stale.
    if (signal.aborted && !settings.once) await clearCrawlerHeartbeat(sql, chain.id).catch(() => {});
  }

  async function runPasses(): Promise<void> {
  while (!signal.aborted) {
    const passStarted = Date.now();
    await beat(new Date(passStarted));
    const seedLookups = countSeedLookups(access.resolver);
    const record = (run: Omit<CrawlRun, 'chain' | 'startedAt' | 'finishedAt' | 'dnsSeeds' | 'dnsSeedsResolved'>) => {
      const seeds = seedLookups.count();
      const full = { ...run, chain: chain.id, startedAt: new Date(passStarted), finishedAt: new Date(), dnsSeeds: seeds.asked, dnsSeedsResolved: seeds.answered };
      return recordCrawlRun(sql, full).catch((error: Error) => log(`recording the pass in crawler_runs failed: ${error.message}`));
    };
    try {
      const summary = await runCrawlPass({
        sql,
        chain,
        probe,
        dnsSeeds: access.dnsSeeds,
        resolver: seedLookups.resolver,
        geo: options.geo,
        hooks: options.hooks,
        flushSize: settings.flushSize,
        minRecheckMs: minRecheckFor(settings.intervalMs),
        signal,
        log,
        getaddrCache,
        reverseDns,
        retention: settings.retention,
        onProgress: (progress) => {
          progressBeat();
          options.progress?.(formatProgress(progress));
        },
      });
      log(describePass(summary));
      const { crawl } = summary;
      await record({
        outcome: crawl.aborted ? 'aborted' : 'ok',
        dueAtStart: summary.dueAtStart,
        dialed: crawl.dialed,
        dialedOk: crawl.ok,
        dialedFailed: crawl.failed,
        learned: crawl.learned,
        onlineNodes: summary.onlineNodes,
        error: summary.hookErrors.length ? summary.hookErrors.join('; ') : null,
      });
      options.onPass?.(summary);
    } catch (error) {
      log(`pass failed: ${(error as Error).message}`);
      await record({ outcome: 'failed', dueAtStart: 0, dialed: 0, dialedOk: 0, dialedFailed: 0, learned: 0, onlineNodes: null, error: (error as Error).message });
      if (settings.once) throw error;
    }
    if (settings.once) return;
    await beat();
    const wait = Math.max(0, settings.intervalMs - (Date.now() - passStarted));
    await sleep(wait, undefined, { signal }).catch(() => {});
  }
  }
}
