import type { ResolvedChain } from '@/lib/chains';
import type { Sql } from '@/lib/db/client';
import { addressKey, type AddressNetwork, type PeerAddress, type ProbeResult } from '@/lib/crawler/types';
import { isDataError, nodesDueForProbe, pruneNeverReached, recordHostnames, recomputeScores, recordProbeResults } from '@/lib/crawler/persist';
import { runRetention, type RetentionReport, type RetentionSettings } from '@/lib/retention';
import type { GeoLookup } from '@/lib/geo';
import type { ReverseDns } from '@/lib/crawler/reverse-dns';
import { crawlNetwork, type CrawlProgress, type CrawlStats, type ProbeFunction, type Resolver } from '@/lib/p2p/crawl';
import type { GetaddrCache } from '@/lib/p2p/getaddr-cache';
import { addressAdmission } from '@/lib/p2p/gossip-policy';
import { pgArray } from '@/lib/crawler/sql-array';
import { refreshNodeLists } from '@/lib/bans/apply';
import { EMPTY_DENY_LIST, loadBanDenyList } from '@/lib/bans/deny-list';
import { takeNetworkSnapshot } from '@/lib/snapshots/take';
import { BatchWriter } from './batch-writer';
import { NO_DNS_SEEDS_MESSAGE } from './progress';

/** Work to run after every pass, such as alert processing. A failing hook is logged, not fatal. */
export interface PassHook {
  name: string;
  run(sql: Sql, context: { now: Date }): Promise<unknown>;
}

export interface CrawlPassOptions {
  sql: Sql;
  chain: ResolvedChain;
  probe: ProbeFunction;
  dnsSeeds: string[];
  resolver?: Resolver;
  geo?: GeoLookup;
  hooks?: PassHook[];
  flushSize?: number;
  /** A node probed more recently than this is not probed again (default: lib/crawler/persist's). */
  minRecheckMs?: number;
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** Called every few seconds while the crawl runs (the worker prints it on a terminal). */
  onProgress?: (progress: CrawlProgress) => void;
  /** Reverse DNS of reachable nodes (fills nodes.hostname); none in the simulator and tests. */
  reverseDns?: ReverseDns;
  /** Which nodes get getaddr this pass; keep one across passes so repeat passes are handshake-only. */
  getaddrCache?: GetaddrCache;
  /** History windows applied after the pass (default: lib/retention's defaults). */
  retention?: RetentionSettings;
}

/** Networks a pass dials: IP always, onion through the SOCKS5 (Tor) proxy, i2p only through an I2P proxy. */
export function dialNetworksFor(crawler: ResolvedChain['crawler']): AddressNetwork[] {
  return ['ipv4', 'ipv6', ...(crawler.socks5Proxy ? (['onion'] as const) : []), ...(crawler.i2pProxy ? (['i2p'] as const) : [])];
}

export interface CrawlPassSummary {
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  crawl: CrawlStats;
  recorded: number;
  dueAtStart: number;
  snapshotId: string | null;
  onlineNodes: number | null;
  hookErrors: string[];
  /** Checks removed by downsampling or age (lib/retention). */
  prunedChecks: number;
  /** What the retention run after the pass did; null when it failed (logged). */
  retention: RetentionReport | null;
  /** Never-reached addresses deleted (chain.crawler.pruneNeverReached). */
  prunedNodes: number;
  /** Nodes whose reverse-DNS hostname was set or changed. */
  hostnames: number;
}

/** What is recorded for a probe result the database refused: the address, the time and why, nothing from the peer. */
export function refusedResult(result: ProbeResult, error: unknown): ProbeResult {
  const code = (error as { code?: unknown }).code;
  return {
    address: result.address,
    checkedAt: result.checkedAt,
    ok: false,
    error: `record refused by the database${typeof code === 'string' ? ` (${code})` : ''}`,
    learned: [],
  };
}

/** Deletes discovered, never-reached nodes by id (addresses the policy now refuses). */
async function forgetRefusedNodes(sql: Sql, ids: string[]): Promise<void> {
  await sql`delete from nodes where id = any(${pgArray(ids)}::bigint[]) and source = 'discovered' and last_seen is null`;
}

/**
 * Results allowed to wait for the database, in batches, before new probes wait.
 * Generous on purpose: the pause only bites when the database is several
 * batches behind (an outage or a slow disk), never in a healthy pass.
 */
const MAX_PENDING_BATCHES = 8;

/** How long a pass waits for reverse DNS after its probes: lookups still running land in the cache for the next pass. */
const REVERSE_DNS_WAIT_MS = 5000;

async function resolveHostnames(sql: Sql, reverseDns: ReverseDns, reachable: readonly PeerAddress[]): Promise<number> {
  await reverseDns.settled(REVERSE_DNS_WAIT_MS);
  const entries = reachable.flatMap((address) => {
    const hostname = reverseDns.cached(address.host);
    return hostname === undefined ? [] : [{ ip: address.host, port: address.port, hostname }];
  });
  return recordHostnames(sql, entries);
}

/**
 * One crawl pass: probe every due node plus the seeds and everything they
 * gossip (streaming, bounded concurrency), write results in batches while the
 * crawl runs, then recompute scores, take a snapshot, run the hooks and prune
 * old checks.
 */
export async function runCrawlPass(options: CrawlPassOptions): Promise<CrawlPassSummary> {
  const { sql, chain, log = () => {} } = options;
  const startedAt = new Date();
  const dialNetworks = dialNetworksFor(chain.crawler);
  const geo = options.geo;
  // Admin bans and hides (node_bans): flags on nodes in step (expired entries drop out), bans joined to the deny list.
  await refreshNodeLists(sql).catch((error: Error) => log(`refreshing the ban/hide lists failed: ${error.message}`));
  const bans = await loadBanDenyList(sql).catch((error: Error) => {
    log(`reading the ban list failed: ${error.message}`);
    return EMPTY_DENY_LIST;
  });
  const admit = addressAdmission({
    allowNonPublicAddresses: chain.crawler.allowNonPublicAddresses,
    denyCidrs: [...chain.crawler.denyList.cidrs, ...bans.cidrs],
    denyAsns: [...chain.crawler.denyList.asns, ...bans.asns],
    denyAddresses: bans.addresses,
    asnOf: geo ? (host) => geo.lookup(host)?.asn ?? null : undefined,
  });
  const due = await nodesDueForProbe(sql, {
    limit: chain.crawler.maxAddresses,
    now: startedAt,
    networks: dialNetworks,
    minRecheckMs: options.minRecheckMs,
  });
  // Gossip stored before the address policy existed (or before the deny list changed) is not dialed, and dropped when never reached.
  const refusedDue = due.filter((node) => admit(node.address) !== null);
  if (refusedDue.length > 0) await forgetRefusedNodes(sql, refusedDue.map((node) => node.id));
  const dueKeys = new Set(due.map((node) => addressKey(node.address)));
  // Known nodes that are not due (probed recently or backing off) are not dialed again when gossiped.
  const notDue = new Set<string>();
  for (const row of await sql<{ ip: string; port: number }[]>`select ip, port from nodes`) {
    const key = addressKey({ host: row.ip, port: row.port });
    if (!dueKeys.has(key)) notDue.add(key);
  }

  const flushSize = options.flushSize ?? 500;
  const writer = new BatchWriter<ProbeResult>(
    (batch) => recordProbeResults(sql, batch, { now: new Date(), geo: options.geo }),
    flushSize,
    {
      isDataError,
      onError: (error) =>
        log(
          isDataError(error)
            ? `the database refused part of a batch, isolating the bad row: ${(error as Error).message}`
            : `writing probe results failed, will retry: ${(error as Error).message}`,
        ),
      quarantine: async (result, error) => {
        log(`probe result of ${addressKey(result.address)} refused by the database, recorded as an error check: ${(error as Error).message}`);
        await recordProbeResults(sql, [refusedResult(result, error)], { now: new Date() });
      },
    },
  );
  const reachable: PeerAddress[] = [];
  const seeds: PeerAddress[] = [...due.map((node) => node.address), ...chain.crawler.seeds];
  const crawl = await crawlNetwork({
    chain,
    seeds,
    dnsSeeds: options.dnsSeeds,
    resolver: options.resolver,
    probe: options.probe,
    concurrency: chain.crawler.concurrency,
    maxAddresses: chain.crawler.maxAddresses,
    dialNetworks,
    admit,
    getaddrCache: options.getaddrCache,
    shouldDial: (address) => !notDue.has(addressKey(address)),
    signal: options.signal,
    onResult: (result) => {
      writer.add(result);
      if (options.reverseDns && result.ok && (result.address.network === 'ipv4' || result.address.network === 'ipv6')) {
        options.reverseDns.request(result.address.host);
        reachable.push(result.address);
      }
    },
    onSeedError: (seed, error) => log(`DNS seed ${seed}: ${error.message}`),
    onProgress: options.onProgress,
    // Bounded queue between probes and writes: new probes wait while this many results wait for the database.
    backpressure: { blocked: () => writer.pending >= flushSize * MAX_PENDING_BATCHES, subscribe: (wake) => writer.onDrain(wake) },
  });
  if (options.dnsSeeds.length > 0 && crawl.dnsSeedAddresses === 0) log(NO_DNS_SEEDS_MESSAGE);
  await writer.close();
  const hostnames = options.reverseDns ? await resolveHostnames(sql, options.reverseDns, reachable) : 0;

  const finishedAt = new Date();
  const durationMs = finishedAt.getTime() - startedAt.getTime();
  // Nodes new this pass (or with a new ASN) that a hide entry matches leave the lists before scores and the snapshot.
  await refreshNodeLists(sql).catch((error: Error) => log(`refreshing the ban/hide lists failed: ${error.message}`));
  await recomputeScores(sql, { now: finishedAt });
  const snapshot = crawl.dialed > 0 || due.length > 0 ? await takeNetworkSnapshot(sql, { now: finishedAt, passDurationMs: durationMs }) : null;

  const hookErrors: string[] = [];
  for (const hook of options.hooks ?? []) {
    try {
      await hook.run(sql, { now: finishedAt });
    } catch (error) {
      hookErrors.push(`${hook.name}: ${(error as Error).message}`);
      log(`after-pass ${hook.name} failed: ${(error as Error).message}`);
    }
  }
  // History windows (snapshot maps, checks, events): short batches under an advisory lock; a failure never fails the pass.
  const retention = await runRetention(sql, { now: finishedAt, settings: options.retention }).catch((error: Error) => {
    log(`retention pruning failed, will retry after the next pass: ${error.message}`);
    return null;
  });
  const prunedChecks = retention ? retention.checksThinned + retention.checksDeleted : 0;
  const prunedNodes = await pruneNeverReached(sql, { now: finishedAt, ...chain.crawler.pruneNeverReached });

  return {
    startedAt,
    finishedAt,
    durationMs,
    crawl,
    recorded: writer.written,
    dueAtStart: due.length,
    snapshotId: snapshot?.id ?? null,
    onlineNodes: snapshot?.onlineNodes ?? null,
    hookErrors,
    prunedChecks,
    retention,
    prunedNodes,
    hostnames,
  };
}
