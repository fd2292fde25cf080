/**
 * Discovery engine, pure of the database: resolves DNS seeds, then runs a
 * streaming pool of probes (a new probe starts as soon as one finishes; no
 * batches), queueing every newly learned address for its own probe
 * (recursive getaddr). Memory is bounded by maxAddresses: the set of known
 * addresses and the queue never exceed it.
 */
import * as dns from 'node:dns/promises';
import { setMaxListeners } from 'node:events';
import { isIPv4, isIPv6 } from 'node:net';
import type { ChainPreset } from '../chains/presets';
import { addressKey, type AddressNetwork, type PeerAddress, type ProbeResult } from '../crawler/types';
import { addressFromIp16, parseIPv6 } from './address';
import type { GetaddrCache } from './getaddr-cache';
import { ipv6Slash64, type AddressAdmission } from './gossip-policy';

/** The subset of node:dns/promises the crawler uses (A and AAAA lookups). */
export interface Resolver {
  resolve4(hostname: string): Promise<string[]>;
  resolve6(hostname: string): Promise<string[]>;
}

export const systemResolver: Resolver = { resolve4: (host) => dns.resolve4(host), resolve6: (host) => dns.resolve6(host) };

export interface ProbeRequest {
  /** Ask for addresses (getaddr); false for a handshake-only probe of a node whose answer is still cached. */
  getaddr: boolean;
}

export type ProbeFunction = (address: PeerAddress, signal: AbortSignal, request?: ProbeRequest) => Promise<ProbeResult>;

export interface CrawlOptions {
  chain: Pick<ChainPreset, 'defaultPort'>;
  /** Static seeds, dialed first. */
  seeds?: PeerAddress[];
  dnsSeeds?: string[];
  resolver?: Resolver;
  probe: ProbeFunction;
  concurrency: number;
  /** Cap on distinct addresses tracked in this pass (dialed or not). */
  maxAddresses: number;
  /** Networks that get dialed. Default ipv4 + ipv6; add onion/i2p when a SOCKS5 proxy is configured. */
  dialNetworks?: AddressNetwork[];
  /**
   * The address policy (lib/p2p/gossip-policy addressAdmission): an address it
   * refuses is neither dialed nor passed on in a result's `learned`. Default: everything admitted.
   */
  admit?: AddressAdmission;
  /** Which nodes to send getaddr this pass (default: every node). */
  getaddrCache?: GetaddrCache;
  /** Extra filter on what to dial (e.g. skip recently checked addresses). */
  shouldDial?: (address: PeerAddress) => boolean;
  signal?: AbortSignal;
  onResult?: (result: ProbeResult) => void;
  /** Addresses learned but not dialed (other networks, or refused by shouldDial). */
  onUndialed?: (address: PeerAddress, reason: 'network' | 'filtered') => void;
  /** DNS seed lookup failures (the crawl continues). */
  onSeedError?: (seed: string, error: Error) => void;
  /**
   * Bounded queue towards the consumer: while `blocked()` is true no new probe
   * starts (running ones finish); `subscribe` registers a callback the consumer
   * calls when it has made room. Checked before a concurrency slot is taken, so
   * a pause never holds slots idle.
   */
  backpressure?: { blocked: () => boolean; subscribe: (wake: () => void) => void };
  /** Called every progressIntervalMs while the crawl runs (default 3 s). */
  onProgress?: (progress: CrawlProgress) => void;
  progressIntervalMs?: number;
}

export interface CrawlProgress {
  dialed: number;
  ok: number;
  failed: number;
  /** Probes running now. */
  running: number;
  /** Addresses waiting to be dialed. */
  queued: number;
  elapsedMs: number;
}

export interface CrawlStats {
  dialed: number;
  ok: number;
  failed: number;
  /** Distinct addresses known in this pass (seeds + learned), at most maxAddresses. */
  learned: number;
  undialed: number;
  /** Addresses dropped because maxAddresses was reached. */
  dropped: number;
  /** Addresses refused by the address policy or the one-node-per-IPv6-/64 rule (never dialed nor stored). */
  refused: number;
  /** Addresses the DNS seeds answered with (0 with dnsSeeds set: every seed failed). */
  dnsSeedAddresses: number;
  maxConcurrent: number;
  durationMs: number;
  aborted: boolean;
}

function seedAddress(ip: string, port: number): PeerAddress | null {
  if (isIPv4(ip)) return { host: ip, port, network: 'ipv4' };
  if (isIPv6(ip)) return addressFromIp16(parseIPv6(ip), port);
  return null;
}

/** A and AAAA records of every DNS seed, on the chain's default port; failures are reported, not thrown. */
export async function resolveDnsSeeds(
  dnsSeeds: string[],
  port: number,
  resolver: Resolver = systemResolver,
  onError?: (seed: string, error: Error) => void,
): Promise<PeerAddress[]> {
  const lookups = dnsSeeds.flatMap((seed) =>
    (['resolve4', 'resolve6'] as const).map(async (method) => {
      try {
        return (await resolver[method](seed)).map((ip) => seedAddress(ip, port)).filter((address): address is PeerAddress => address !== null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // No AAAA (or no A) records is normal for a seed.
        if (code !== 'ENODATA' && code !== 'ENOTFOUND') onError?.(seed, error as Error);
        return [];
      }
    }),
  );
  return (await Promise.all(lookups)).flat();
}

export async function crawlNetwork(options: CrawlOptions): Promise<CrawlStats> {
  const started = performance.now();
  const dialNetworks = new Set<AddressNetwork>(options.dialNetworks ?? ['ipv4', 'ipv6']);
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const signal = options.signal;
  const stats: CrawlStats = { dialed: 0, ok: 0, failed: 0, learned: 0, undialed: 0, dropped: 0, refused: 0, dnsSeedAddresses: 0, maxConcurrent: 0, durationMs: 0, aborted: false };

  const known = new Set<string>();
  /** IPv6 /64 -> the one address kept in it this pass. */
  const slash64Holders = new Map<string, string>();
  const refusedKeys = new Set<string>();
  /** The address policy and the one-node-per-/64 rule; refusals are remembered (bounded) so a flood costs one check per address. */
  const admissible = (address: PeerAddress): boolean => {
    const key = addressKey(address);
    if (known.has(key)) return true;
    if (refusedKeys.has(key)) return false;
    let ok = (options.admit?.(address) ?? null) === null;
    const slash64 = ok ? ipv6Slash64(address) : null;
    if (slash64 !== null) {
      const holder = slash64Holders.get(slash64);
      if (holder === undefined) slash64Holders.set(slash64, key);
      else ok = holder === key;
    }
    if (!ok) {
      stats.refused += 1;
      if (refusedKeys.size < options.maxAddresses) refusedKeys.add(key);
    }
    return ok;
  };
  const queue: PeerAddress[] = [];
  let queueHead = 0;

  const consider = (address: PeerAddress) => {
    const key = addressKey(address);
    if (known.has(key) || !admissible(address)) return;
    if (known.size >= options.maxAddresses) {
      stats.dropped += 1;
      return;
    }
    known.add(key);
    stats.learned = known.size;
    if (!dialNetworks.has(address.network)) {
      stats.undialed += 1;
      options.onUndialed?.(address, 'network');
    } else if (options.shouldDial && !options.shouldDial(address)) {
      stats.undialed += 1;
      options.onUndialed?.(address, 'filtered');
    } else {
      queue.push(address);
    }
  };

  for (const seed of options.seeds ?? []) consider(seed);
  if (options.dnsSeeds?.length && !signal?.aborted) {
    const resolved = await resolveDnsSeeds(options.dnsSeeds, options.chain.defaultPort, options.resolver, options.onSeedError);
    stats.dnsSeedAddresses = resolved.length;
    for (const address of resolved) consider(address);
  }

  // One internal signal shared by every probe (each adds a listener, so lift the listener cap on it).
  const probeController = new AbortController();
  setMaxListeners(0, probeController.signal);
  const forwardAbort = () => probeController.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });
  const probeSignal = probeController.signal;
  let running = 0;
  const progressTimer = options.onProgress
    ? setInterval(() => {
        try {
          options.onProgress?.({ dialed: stats.dialed, ok: stats.ok, failed: stats.failed, running, queued: queue.length - queueHead, elapsedMs: performance.now() - started });
        } catch {
          // Progress output must not stall the crawl.
        }
      }, options.progressIntervalMs ?? 3000)
    : null;
  progressTimer?.unref();
  const blocked = () => options.backpressure?.blocked() ?? false;
  await new Promise<void>((resolveAll) => {
    const pump = () => {
      while (running < concurrency && queueHead < queue.length && !signal?.aborted && !blocked()) {
        const address = queue[queueHead]!;
        // Drop consumed entries now and then so the array does not hold them.
        queueHead += 1;
        if (queueHead > 4096 && queueHead * 2 > queue.length) {
          queue.splice(0, queueHead);
          queueHead = 0;
        }
        running += 1;
        stats.dialed += 1;
        stats.maxConcurrent = Math.max(stats.maxConcurrent, running);
        const key = addressKey(address);
        const getaddr = options.getaddrCache?.shouldAsk(key) ?? true;
        options
          .probe(address, probeSignal, { getaddr })
          .catch((error: unknown): ProbeResult => ({ address, checkedAt: new Date(), ok: false, error: `internal: ${String(error)}`, learned: [] }))
          .then((result) => {
            running -= 1;
            if (result.ok) stats.ok += 1;
            else stats.failed += 1;
            if (result.ok && getaddr) options.getaddrCache?.answered(key);
            // Only what the policy admits is passed on (and so stored).
            result.learned = result.learned.filter(admissible);
            try {
              options.onResult?.(result);
            } catch {
              // A throwing consumer must not stall the crawl.
            }
            if (!signal?.aborted) for (const learned of result.learned) consider(learned);
            pump();
          });
      }
      if (running === 0 && (queueHead >= queue.length || signal?.aborted)) resolveAll();
    };
    options.backpressure?.subscribe(pump);
    signal?.addEventListener('abort', pump, { once: true });
    pump();
  });

  if (progressTimer) clearInterval(progressTimer);
  signal?.removeEventListener('abort', forwardAbort);
  stats.aborted = signal?.aborted ?? false;
  stats.durationMs = Math.round(performance.now() - started);
  return stats;
}
