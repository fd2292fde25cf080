import { setTimeout as sleep } from 'node:timers/promises';
import { resolveChain, type ResolvedChain } from '@/lib/chains';
import type { Sql } from '@/lib/db/client';
import type { GeoLookup } from '@/lib/geo';
import { defaultDialer, type Dialer } from '@/lib/p2p/dialer';
import { probePeer } from '@/lib/p2p/probe';
import { parsePeerAddress } from '@/lib/p2p/address';
import type { Resolver } from '@/lib/p2p/crawl';
import { DEFAULT_MIN_RECHECK_MS } from '@/lib/crawler/persist';
import { recordCrawlRun, type CrawlRun } from '@/lib/crawler/runs';
import { countSeedLookups } from '@/lib/crawler/seed-lookups';
import { dialerFromDescription, readSimulatorDescription, resolverFromDescription } from './simulator/description';
import { runCrawlPass, type CrawlPassSummary, type PassHook } from './pass';
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
    return {
      chain,
      dialer: defaultDialer(proxy),
      dnsSeeds: chain.dnsSeeds,
      description: `${chain.displayName} via ${chain.dnsSeeds.length} DNS seeds${proxy ? ` (onion/i2p through ${proxy.host}:${proxy.port})` : ''}`,
    };
  }
  const simulator = readSimulatorDescription(settings.simulatorPath);
  if (simulator.chain !== chain.id) {
    throw new Error(`The simulator at ${settings.simulatorPath} runs chain "${simulator.chain}" but CHAIN is "${chain.id}".`);
  }
  const seeds = simulator.seeds.map((seed) => parsePeerAddress(seed, chain.defaultPort));
  return {
    chain: { ...chain, crawler: { ...chain.crawler, seeds: [...chain.crawler.seeds, ...seeds] } },
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
}

/**
 * Every pass re-probes what the previous pass saw: a node is due again after
 * half the crawl interval (at most the persistence layer's default), so short
 * demo intervals still refresh everything and long ones never hammer a peer.
 */
export function minRecheckFor(intervalMs: number): number {
  return Math.min(DEFAULT_MIN_RECHECK_MS, Math.floor(intervalMs / 2));
}

function describePass(summary: CrawlPassSummary): string {
  const { crawl } = summary;
  if (summary.snapshotId === null) return `pass done in ${(summary.durationMs / 1000).toFixed(1)}s: nothing was due for a probe`;
  return (
    `pass done in ${(summary.durationMs / 1000).toFixed(1)}s: dialed ${crawl.dialed} (${crawl.ok} up, ${crawl.failed} failed), ` +
    `${crawl.learned} addresses seen, ${summary.onlineNodes ?? 0} online` +
    (summary.hookErrors.length ? `; hook errors: ${summary.hookErrors.join('; ')}` : '')
  );
}

/** Runs passes until the signal aborts (or once, with CRAWLER_ONCE). A failed pass is logged and retried next interval. */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const { sql, settings, access, signal, log } = options;
  const { chain } = access;
  const probe = (address: Parameters<typeof probePeer>[0], probeSignal: AbortSignal) =>
    probePeer(address, {
      chain,
      dialer: access.dialer,
      timeouts: chain.crawler.timeouts,
      maxLearned: chain.crawler.maxLearnedPerPeer,
      maxPayloadBytes: chain.crawler.maxPayloadBytes,
      signal: probeSignal,
    });
  log(`crawling ${access.description}`);
  while (!signal.aborted) {
    const passStarted = Date.now();
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
    const wait = Math.max(0, settings.intervalMs - (Date.now() - passStarted));
    await sleep(wait, undefined, { signal }).catch(() => {});
  }
}
