import { randomBytes, timingSafeEqual } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { parseIp } from '../net/ip-policy';

/**
 * Who is asking: the client address and scheme of a request, from headers only a
 * trusted party can set.
 *
 * Next.js route handlers never see the TCP socket, and `next start` keeps any
 * X-Forwarded-For the client sent. So our web server (scripts/web-server.ts) stamps
 * every request with `x-peerscope-peer: <key> <socket address> <http|https>`, where
 * <key> is a random value made at start and handed to the app through
 * PEERSCOPE_PEER_KEY: a client cannot forge the stamp without the key, and the server
 * overwrites whatever a client sent under that name.
 *
 * Forwarding headers (X-Forwarded-For, X-Forwarded-Proto) count only when the socket
 * address is one of TRUSTED_PROXIES (comma list of CIDRs or addresses, or the presets
 * `loopback` and `private`): the client is then the right-most X-Forwarded-For entry
 * that is not itself a trusted proxy. `TRUSTED_PROXIES=vercel` (alias `platform`) is for
 * hosts whose edge sets the header itself and where no socket is visible (Vercel,
 * Netlify, Supabase-style platforms): the client is X-Real-IP, else the right-most
 * X-Forwarded-For entry. It is assumed when VERCEL=1 and TRUSTED_PROXIES is unset.
 * Anything else: the socket address, or 'unknown' when there is none (one shared bucket).
 */

export const PEER_HEADER = 'x-peerscope-peer';
export const PEER_KEY_ENV = 'PEERSCOPE_PEER_KEY';

type Env = Record<string, string | undefined>;
type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

interface ProxyTrust {
  platform: boolean;
  cidrs: Cidr[];
}

const PRESETS: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7', '127.0.0.0/8', '::1/128'],
};
const PLATFORM_PRESETS = new Set(['vercel', 'platform']);

export class TrustedProxiesError extends Error {
  override name = 'TrustedProxiesError';
}

/** Parses TRUSTED_PROXIES; throws TrustedProxiesError naming the bad entry. */
export function parseTrustedProxies(value: string | undefined, env: Env = {}): ProxyTrust {
  const trust: ProxyTrust = { platform: false, cidrs: [] };
  const entries = (value ?? '').split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  if (entries.length === 0 && (env.VERCEL === '1' || env.VERCEL === 'true')) trust.platform = true;
  for (const entry of entries) {
    if (PLATFORM_PRESETS.has(entry)) {
      trust.platform = true;
      continue;
    }
    for (const cidr of PRESETS[entry] ?? [entry]) {
      try {
        trust.cidrs.push(cidr.includes('/') ? ipaddr.parseCIDR(cidr) : [ipaddr.parse(cidr), ipaddr.parse(cidr).kind() === 'ipv4' ? 32 : 128]);
      } catch {
        throw new TrustedProxiesError(`TRUSTED_PROXIES: "${entry}" is not a CIDR, an address, or one of vercel, platform, loopback, private`);
      }
    }
  }
  return trust;
}

let cached: { source: string; trust: ProxyTrust } | undefined;
function proxyTrust(env: Env): ProxyTrust {
  const source = `${env.TRUSTED_PROXIES ?? ''}|${env.VERCEL ?? ''}`;
  if (cached?.source !== source) cached = { source, trust: parseTrustedProxies(env.TRUSTED_PROXIES, env) };
  return cached.trust;
}

function isTrusted(address: string, trust: ProxyTrust): boolean {
  if (trust.cidrs.length === 0) return false;
  const parsed = ipaddr.parse(address);
  return trust.cidrs.some(([network, bits]) => parsed.kind() === network.kind() && parsed.match(network, bits));
}

/** Canonical form of an IP literal (IPv4-mapped IPv6 reduced to IPv4), or undefined. */
function canonicalIp(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  return parseIp(value.trim())?.ip;
}

export interface SocketStamp {
  address: string;
  scheme: 'http' | 'https';
}

/** The value our web server puts in x-peerscope-peer for one connection. */
export function peerHeaderValue(key: string, address: string, scheme: 'http' | 'https'): string {
  return `${key} ${canonicalIp(address) ?? 'unknown'} ${scheme}`;
}

/** A fresh key for PEERSCOPE_PEER_KEY. */
export function newPeerKey(): string {
  return randomBytes(24).toString('base64url');
}

/** The socket stamp, when our web server set it (the key matches); otherwise undefined. */
export function socketStamp(headers: Headers, env: Env = process.env): SocketStamp | undefined {
  const key = env[PEER_KEY_ENV];
  const value = headers.get(PEER_HEADER);
  if (!key || !value) return undefined;
  const [presented = '', address, scheme] = value.split(' ');
  const a = Buffer.from(presented);
  const b = Buffer.from(key);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
  const ip = canonicalIp(address);
  if (!ip || (scheme !== 'http' && scheme !== 'https')) return undefined;
  return { address: ip, scheme };
}

function forwardedFor(headers: Headers): string[] {
  return (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** The last value of a possibly repeated header (the one the nearest proxy added). */
function lastValue(headers: Headers, name: string): string | undefined {
  return headers.get(name)?.split(',').map((part) => part.trim()).filter(Boolean).at(-1);
}

/**
 * The client's address for rate limits and abuse controls: canonical IP text, or
 * 'unknown' when it cannot be told (never a value the client chose freely).
 */
export function clientIp(headers: Headers, env: Env = process.env): string {
  const trust = proxyTrust(env);
  const socket = socketStamp(headers, env);
  if (!socket) {
    if (!trust.platform) return 'unknown';
    return canonicalIp(headers.get('x-real-ip')) ?? canonicalIp(forwardedFor(headers).at(-1)) ?? 'unknown';
  }
  if (!isTrusted(socket.address, trust)) return socket.address;
  // Walk the chain from the nearest hop back while the hops are our proxies.
  let client = socket.address;
  for (const entry of forwardedFor(headers).reverse()) {
    const ip = canonicalIp(entry);
    if (!ip) break;
    client = ip;
    if (!isTrusted(ip, trust)) break;
  }
  return client;
}

/** Whether the client reached us over https (a trusted proxy's X-Forwarded-Proto included). */
export function requestIsHttps(request: Request, env: Env = process.env): boolean {
  const trust = proxyTrust(env);
  const socket = socketStamp(request.headers, env);
  const forwardedProto = lastValue(request.headers, 'x-forwarded-proto')?.toLowerCase();
  if (socket) {
    if (isTrusted(socket.address, trust) && forwardedProto) return forwardedProto === 'https';
    return socket.scheme === 'https';
  }
  if (trust.platform && forwardedProto) return forwardedProto === 'https';
  return new URL(request.url).protocol === 'https:';
}

/**
 * The rate-limit bucket of a client: its IPv4 address, or its IPv6 /64 (one subscriber's
 * usual allocation, so rotating addresses inside it gains nothing), or 'unknown'.
 */
export function clientBucket(headers: Headers, env: Env = process.env): string {
  const ip = clientIp(headers, env);
  if (!ip.includes(':')) return ip;
  const parsed = ipaddr.IPv6.parse(ip);
  const parts = parsed.parts.slice(0, 4).concat([0, 0, 0, 0]);
  return `${new ipaddr.IPv6(parts).toRFC5952String()}/64`;
}
