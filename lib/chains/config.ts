/**
 * Resolves the active chain: CHAIN selects a preset (default bitcoin),
 * CRAWLER_CONFIG (path to a JSON file) overrides preset fields and crawler
 * settings. Every input is validated with zod; errors name the bad field.
 *
 * CRAWLER_CONFIG format (every key optional, unknown keys rejected):
 * {
 *   "displayName": "Bitcoin", "ticker": "btc", "magic": "f9beb4d9", "port": 8333,
 *   "protocolVersion": 70016, "userAgent": "/Peerscope:0.1.0/", "supportsAddrV2": true,
 *   "dnsSeeds": ["seed.bitcoin.sipa.be"], "seeds": ["1.2.3.4:8333", "[2001:db8::1]:8333"],
 *   "concurrency": 256, "maxAddresses": 200000, "maxLearnedPerPeer": 1000, "maxPayloadBytes": 524288,
 *   "timeouts": { "connectMs": 5000, "handshakeMs": 10000, "pingMs": 5000, "addrWindowMs": 8000, "totalMs": 30000 },
 *   "socks5Proxy": "127.0.0.1:9050", "i2pProxy": "127.0.0.1:4447",
 *   "allowNonPublicAddresses": false,            // true lets loopback and private (RFC 1918, ULA) gossip through (test networks; default true only for regtest)
 *   "denyList": { "cidrs": ["203.0.113.0/24"], "asns": [64496] },  // never stored or dialed
 *   "minProtocolVersion": 70001,                 // peers below it are recorded but not counted as up (default: the chain's rule)
 *   "addrMaxAgeSeconds": 259200, "addrMaxFutureSeconds": 600,  // gossiped entries outside this window are dropped
 *   "addrQuietMs": 500,                         // getaddr answers are collected until this long without a new addr message
 *   "getaddrIntervalHours": [1, 6],              // a node is asked for addresses again only after a random time in this range
 *   "pruneNeverReached": { "attempts": 5, "days": 3 },        // never-reached addresses are deleted after both
 *   "reverseDns": { "enabled": true, "timeoutMs": 3000, "concurrency": 16 }
 * }
 */
import { readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { PeerAddress } from '../crawler/types';
import { parsePeerAddress } from '../p2p/address';
import { CHAIN_IDS, CHAIN_PRESETS, type ChainId, type ChainPreset } from './presets';

export interface CrawlerTimeouts {
  connectMs: number;
  handshakeMs: number;
  pingMs: number;
  addrWindowMs: number;
  totalMs: number;
}

export interface CrawlerSettings {
  concurrency: number;
  /** Cap on distinct addresses one crawl pass tracks (memory bound). */
  maxAddresses: number;
  /** Cap on addresses kept from one peer. */
  maxLearnedPerPeer: number;
  /** Largest payload accepted from a peer. */
  maxPayloadBytes: number;
  timeouts: CrawlerTimeouts;
  /** Static seed nodes dialed in addition to DNS seeds. */
  seeds: PeerAddress[];
  socks5Proxy: { host: string; port: number } | null;
  /** SOCKS5 proxy of an I2P router; i2p addresses are dialed only through it (never through the Tor proxy). */
  i2pProxy: { host: string; port: number } | null;
  /** Lets loopback and private (RFC 1918, ULA) gossip through: test networks only. */
  allowNonPublicAddresses: boolean;
  denyList: { cidrs: string[]; asns: number[] };
  /** Peers announcing a lower protocol version are recorded but not counted as up; null: the chain's rule. */
  minProtocolVersion: number | null;
  addrMaxAgeSeconds: number;
  addrMaxFutureSeconds: number;
  addrQuietMs: number;
  getaddrIntervalHours: [number, number];
  pruneNeverReached: { attempts: number; days: number };
  reverseDns: { enabled: boolean; timeoutMs: number; concurrency: number };
}

export interface ResolvedChain extends ChainPreset {
  crawler: CrawlerSettings;
}

export const DEFAULT_CRAWLER_SETTINGS: CrawlerSettings = {
  concurrency: 256,
  maxAddresses: 200_000,
  maxLearnedPerPeer: 1000,
  maxPayloadBytes: 512 * 1024,
  timeouts: { connectMs: 5000, handshakeMs: 10_000, pingMs: 5000, addrWindowMs: 8000, totalMs: 30_000 },
  seeds: [],
  socks5Proxy: null,
  i2pProxy: null,
  allowNonPublicAddresses: false,
  denyList: { cidrs: [], asns: [] },
  minProtocolVersion: null,
  addrMaxAgeSeconds: 3 * 86_400,
  addrMaxFutureSeconds: 600,
  addrQuietMs: 500,
  getaddrIntervalHours: [1, 6],
  pruneNeverReached: { attempts: 5, days: 3 },
  reverseDns: { enabled: true, timeoutMs: 3000, concurrency: 16 },
};

const timeoutMs = z.number().int().min(1).max(600_000);
const hostPort = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'expected "host:port"');

const proxySchema = z.union([hostPort, z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }).strict()]);

function isCidr(text: string): boolean {
  try {
    ipaddr.parseCIDR(text);
    return true;
  } catch {
    return false;
  }
}

function parseProxy(value: z.infer<typeof proxySchema> | undefined, field: string, source: string): { host: string; port: number } | null {
  if (value === undefined) return null;
  if (typeof value !== 'string') return value;
  const colon = value.lastIndexOf(':');
  const proxy = { host: value.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(value.slice(colon + 1)) };
  if (proxy.port < 1 || proxy.port > 65535) throw new Error(`${source} is invalid: ${field}: bad port`);
  return proxy;
}

const configFileSchema = z
  .object({
    displayName: z.string().min(1).max(64),
    ticker: z.string().regex(/^[a-z0-9]{2,10}$/, 'lower-case letters/digits, 2-10 chars'),
    magic: z.string().regex(/^[0-9a-fA-F]{8}$/, 'expected 8 hex characters'),
    port: z.number().int().min(1).max(65535),
    protocolVersion: z.number().int().min(209).max(0x7fffffff),
    userAgent: z.string().min(1).max(256).regex(/^[\x20-\x7e]+$/, 'printable ASCII only'),
    supportsAddrV2: z.boolean(),
    dnsSeeds: z.array(z.string().regex(/^[a-zA-Z0-9.-]{1,253}$/, 'expected a DNS name')).max(100),
    seeds: z.array(z.string().min(1)).max(10_000),
    concurrency: z.number().int().min(1).max(10_000),
    maxAddresses: z.number().int().min(1).max(10_000_000),
    maxLearnedPerPeer: z.number().int().min(1).max(100_000),
    maxPayloadBytes: z.number().int().min(1024).max(4_000_000),
    timeouts: z
      .object({ connectMs: timeoutMs, handshakeMs: timeoutMs, pingMs: timeoutMs, addrWindowMs: timeoutMs, totalMs: timeoutMs })
      .partial()
      .strict(),
    socks5Proxy: proxySchema,
    i2pProxy: proxySchema,
    allowNonPublicAddresses: z.boolean(),
    denyList: z
      .object({
        cidrs: z.array(z.string().refine(isCidr, 'expected a CIDR such as "203.0.113.0/24"')).max(100_000),
        asns: z.array(z.number().int().min(0).max(4_294_967_295)).max(100_000),
      })
      .partial()
      .strict(),
    minProtocolVersion: z.number().int().min(0).max(0x7fffffff),
    addrMaxAgeSeconds: z.number().int().min(60).max(365 * 86_400),
    addrMaxFutureSeconds: z.number().int().min(0).max(86_400),
    addrQuietMs: z.number().int().min(50).max(60_000),
    getaddrIntervalHours: z
      .tuple([z.number().min(0).max(168), z.number().min(0).max(168)])
      .refine(([low, high]) => low <= high, 'expected [low, high] with low <= high'),
    pruneNeverReached: z.object({ attempts: z.number().int().min(1).max(1000), days: z.number().min(0).max(3650) }).partial().strict(),
    reverseDns: z
      .object({ enabled: z.boolean(), timeoutMs: z.number().int().min(100).max(60_000), concurrency: z.number().int().min(1).max(1000) })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

export type CrawlerConfigFile = z.infer<typeof configFileSchema>;

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.join('.') : '(root)';
      const keys = 'keys' in issue && Array.isArray(issue.keys) ? ` (${issue.keys.join(', ')})` : '';
      return `${where}: ${issue.message}${keys}`;
    })
    .join('; ');
}

/** Validates a parsed CRAWLER_CONFIG object and applies it to a preset. */
export function applyCrawlerConfig(preset: ChainPreset, raw: unknown, source = 'CRAWLER_CONFIG'): ResolvedChain {
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${source} is invalid: ${formatIssues(parsed.error)}`);
  const file = parsed.data;
  const defaultPort = file.port ?? preset.defaultPort;
  const seeds = (file.seeds ?? []).map((text, index) => {
    try {
      return parsePeerAddress(text, defaultPort);
    } catch (error) {
      throw new Error(`${source} is invalid: seeds.${index}: ${(error as Error).message}`);
    }
  });
  const socks5Proxy = parseProxy(file.socks5Proxy, 'socks5Proxy', source);
  const i2pProxy = parseProxy(file.i2pProxy, 'i2pProxy', source);
  const defaults = DEFAULT_CRAWLER_SETTINGS;
  const timeouts = { ...DEFAULT_CRAWLER_SETTINGS.timeouts, ...file.timeouts };
  return {
    ...preset,
    displayName: file.displayName ?? preset.displayName,
    ticker: file.ticker ?? preset.ticker,
    magic: (file.magic ?? preset.magic).toLowerCase(),
    defaultPort,
    protocolVersion: file.protocolVersion ?? preset.protocolVersion,
    userAgent: file.userAgent ?? preset.userAgent,
    supportsAddrV2: file.supportsAddrV2 ?? preset.supportsAddrV2,
    dnsSeeds: file.dnsSeeds ?? preset.dnsSeeds,
    crawler: {
      concurrency: file.concurrency ?? DEFAULT_CRAWLER_SETTINGS.concurrency,
      maxAddresses: file.maxAddresses ?? DEFAULT_CRAWLER_SETTINGS.maxAddresses,
      maxLearnedPerPeer: file.maxLearnedPerPeer ?? DEFAULT_CRAWLER_SETTINGS.maxLearnedPerPeer,
      maxPayloadBytes: file.maxPayloadBytes ?? DEFAULT_CRAWLER_SETTINGS.maxPayloadBytes,
      timeouts,
      seeds,
      socks5Proxy,
      i2pProxy,
      allowNonPublicAddresses: file.allowNonPublicAddresses ?? preset.id === 'regtest',
      denyList: { cidrs: file.denyList?.cidrs ?? [], asns: file.denyList?.asns ?? [] },
      minProtocolVersion: file.minProtocolVersion ?? null,
      addrMaxAgeSeconds: file.addrMaxAgeSeconds ?? defaults.addrMaxAgeSeconds,
      addrMaxFutureSeconds: file.addrMaxFutureSeconds ?? defaults.addrMaxFutureSeconds,
      addrQuietMs: file.addrQuietMs ?? defaults.addrQuietMs,
      getaddrIntervalHours: file.getaddrIntervalHours ?? defaults.getaddrIntervalHours,
      pruneNeverReached: { ...defaults.pruneNeverReached, ...file.pruneNeverReached },
      reverseDns: { ...defaults.reverseDns, ...file.reverseDns },
    },
  };
}

const chainIdSchema = z.enum(CHAIN_IDS as [ChainId, ...ChainId[]]);

/** The chain selected by CHAIN (default bitcoin) with CRAWLER_CONFIG overrides applied. */
export function resolveChain(env: Record<string, string | undefined> = process.env): ResolvedChain {
  const chainName = (env.CHAIN ?? '').trim() || 'bitcoin';
  const chainId = chainIdSchema.safeParse(chainName.toLowerCase());
  if (!chainId.success) throw new Error(`CHAIN is invalid: "${chainName}" is not one of ${CHAIN_IDS.join(', ')}`);
  const preset = CHAIN_PRESETS[chainId.data];
  const configPath = env.CRAWLER_CONFIG?.trim();
  if (!configPath) return applyCrawlerConfig(preset, {});
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (error) {
    throw new Error(`CRAWLER_CONFIG: cannot read ${configPath}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`CRAWLER_CONFIG: ${configPath} is not valid JSON: ${(error as Error).message}`);
  }
  return applyCrawlerConfig(preset, raw, `CRAWLER_CONFIG (${configPath})`);
}

let cached: ResolvedChain | null = null;

/** The chain for this process (resolved once from process.env); use for the ticker and display name. */
export function activeChain(): ResolvedChain {
  cached ??= resolveChain(process.env);
  return cached;
}

/** For tests: forget the cached activeChain(). */
export function resetActiveChain(): void {
  cached = null;
}
