import { Resolver as DnsResolver } from 'node:dns/promises';
import { safeFetch, type SafeFetchOptions, type SafeResponse } from '../net/safe-fetch';
import { parseIp } from '../net/ip-policy';

/** DNS look-ups the dns_txt method needs (node:dns/promises by default; tests inject fakes). */
export interface DnsSeam {
  resolveTxt(hostname: string): Promise<string[][]>;
  resolve4(hostname: string): Promise<string[]>;
  resolve6(hostname: string): Promise<string[]>;
}

export function systemDns(timeoutMs = 5000): DnsSeam {
  const resolver = new DnsResolver({ timeout: timeoutMs, tries: 2 });
  return {
    resolveTxt: (name) => resolver.resolveTxt(name),
    resolve4: (name) => resolver.resolve4(name),
    resolve6: (name) => resolver.resolve6(name),
  };
}

const EMPTY_CODES = new Set(['ENODATA', 'ENOTFOUND', 'ESERVFAIL', 'NXDOMAIN', 'ENONAME']);
async function orEmpty<T>(promise: Promise<T[]>): Promise<T[]> {
  try {
    return await promise;
  } catch (error) {
    if (EMPTY_CODES.has((error as { code?: string }).code ?? '')) return [];
    throw error;
  }
}

export type CheckOutcome = { ok: true; evidence: Record<string, unknown> } | { ok: false; reason: string; evidence?: Record<string, unknown> };

export const HTTP_FILE_PATH = '/.well-known/peerscope-verification.txt';

export type HttpFetcher = (url: string, options: SafeFetchOptions) => Promise<SafeResponse>;

/**
 * http_file: GET http://<node ip>[:port]/.well-known/peerscope-verification.txt must answer 200
 * with a body containing the token. SSRF-safe (the node's address must be public unless
 * loopback is allowed), no redirects, 5 s timeout, 4 KiB cap.
 */
export async function checkHttpFile(
  node: { ip: string },
  token: string,
  options: { port?: number; allowLoopback?: boolean; fetcher?: HttpFetcher } = {},
): Promise<CheckOutcome> {
  const host = node.ip.includes(':') ? `[${node.ip}]` : node.ip;
  const url = `http://${host}${options.port && options.port !== 80 ? `:${options.port}` : ''}${HTTP_FILE_PATH}`;
  let response: SafeResponse;
  try {
    response = await (options.fetcher ?? safeFetch)(url, { timeoutMs: 5000, maxBytes: 4096, allowLoopback: options.allowLoopback });
  } catch (error) {
    return { ok: false, reason: `Could not fetch ${url}: ${(error as Error).message}` };
  }
  if (response.status !== 200) return { ok: false, reason: `${url} answered HTTP ${response.status} (redirects are not followed).` };
  if (!response.body.includes(token)) return { ok: false, reason: `${url} does not contain the token.` };
  return { ok: true, evidence: { url, status: response.status } };
}

/**
 * dns_txt: the hostname must resolve (A/AAAA) to the node's IP, and a TXT record on the
 * hostname or on _peerscope.<hostname> must contain "peerscope-verification=<token>".
 * (Without the address check anyone could "prove" a node with a record on their own domain.)
 */
export async function checkDnsTxt(node: { ip: string }, token: string, hostname: string, dns: DnsSeam): Promise<CheckOutcome> {
  const nodeIp = parseIp(node.ip)?.ip ?? node.ip;
  let addresses: string[];
  let records: string[][];
  try {
    addresses = [...(await orEmpty(dns.resolve4(hostname))), ...(await orEmpty(dns.resolve6(hostname)))].map((address) => parseIp(address)?.ip ?? address);
    records = [...(await orEmpty(dns.resolveTxt(hostname))), ...(await orEmpty(dns.resolveTxt(`_peerscope.${hostname}`)))];
  } catch (error) {
    return { ok: false, reason: `DNS lookup failed for ${hostname} (${(error as { code?: string }).code ?? 'error'}).` };
  }
  if (!addresses.includes(nodeIp)) return { ok: false, reason: `${hostname} does not resolve to the node's address ${nodeIp}.` };
  const texts = records.map((chunks) => chunks.join(''));
  if (!texts.some((text) => text.trim() === `peerscope-verification=${token}`)) {
    return { ok: false, reason: `No TXT record "peerscope-verification=${token}" on ${hostname} or _peerscope.${hostname}.` };
  }
  return { ok: true, evidence: { hostname, addresses } };
}

/** user_agent: the crawler-observed user agent contains the token, e.g. "/Satoshi:27.0.0(peerscope-…)/". */
export function checkUserAgent(node: { user_agent: string | null }, token: string): CheckOutcome {
  if (!node.user_agent) return { ok: false, reason: 'The node has not reported a user agent yet; wait for the next crawl.' };
  if (!node.user_agent.includes(token)) {
    return { ok: false, reason: `The node's user agent "${node.user_agent}" does not contain ${token}; add -uacomment=${token} and wait for the next crawl.` };
  }
  return { ok: true, evidence: { user_agent: node.user_agent } };
}
