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
 *   "socks5Proxy": "127.0.0.1:9050"
 * }
 */
import { readFileSync } from 'node:fs';
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
};

const timeoutMs = z.number().int().min(1).max(600_000);
const hostPort = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'expected "host:port"');

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
    socks5Proxy: z.union([hostPort, z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }).strict()]),
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
  let socks5Proxy: CrawlerSettings['socks5Proxy'] = null;
  if (typeof file.socks5Proxy === 'string') {
    const colon = file.socks5Proxy.lastIndexOf(':');
    socks5Proxy = { host: file.socks5Proxy.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(file.socks5Proxy.slice(colon + 1)) };
    if (socks5Proxy.port < 1 || socks5Proxy.port > 65535) throw new Error(`${source} is invalid: socks5Proxy: bad port`);
  } else if (file.socks5Proxy) {
    socks5Proxy = file.socks5Proxy;
  }
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
