import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { describeRange, isPublicAddress, parseIp, type AddressPolicy } from './ip-policy';

/**
 * Outbound HTTP for user-supplied destinations (webhooks, Discord, http_file checks),
 * safe against SSRF:
 * - http/https only (https only when `requireHttps`), no credentials in the URL;
 * - the host is resolved and EVERY address must be public (see isPublicAddress); the
 *   connection is pinned to the checked address through the `lookup` hook, so DNS
 *   rebinding between check and connect cannot redirect it;
 * - redirects are never followed (a 3xx is returned as is);
 * - connect+response timeout and a response size cap.
 */

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export class UnsafeDestinationError extends Error {
  override name = 'UnsafeDestinationError';
}

export interface SafeFetchOptions extends AddressPolicy {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  requireHttps?: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  resolver?: Resolver;
}

export interface SafeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** True when the body was cut at maxBytes. */
  truncated: boolean;
}

/** Validates a URL's shape (scheme, no credentials); does not resolve. */
export function checkUrlShape(input: string, options: { requireHttps?: boolean } = {}): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UnsafeDestinationError('not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UnsafeDestinationError('only http and https URLs are allowed');
  if (options.requireHttps && url.protocol !== 'https:') throw new UnsafeDestinationError('only https URLs are allowed');
  if (url.username || url.password) throw new UnsafeDestinationError('URLs with credentials are not allowed');
  return url;
}

/** Resolves the URL's host and checks every address; returns the first safe address. */
export async function resolveSafeAddress(
  hostname: string,
  policy: AddressPolicy & { resolver?: Resolver } = {},
): Promise<{ address: string; family: 4 | 6 }> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = parseIp(host);
  let candidates: { address: string; family: number }[];
  if (literal) {
    candidates = [{ address: literal.ip, family: literal.family === 'ipv4' ? 4 : 6 }];
  } else {
    if (host.toLowerCase() === 'localhost' || host.toLowerCase().endsWith('.localhost')) {
      candidates = [{ address: '127.0.0.1', family: 4 }];
    } else {
      try {
        candidates = await (policy.resolver ?? systemResolver)(host);
      } catch (error) {
        throw new UnsafeDestinationError(`cannot resolve ${host} (${(error as { code?: string }).code ?? 'DNS error'})`);
      }
    }
  }
  if (candidates.length === 0) throw new UnsafeDestinationError(`${host} has no addresses`);
  for (const candidate of candidates) {
    const parsed = parseIp(candidate.address);
    if (!parsed) throw new UnsafeDestinationError(`${host} resolved to an unparseable address`);
    if (!isPublicAddress(parsed, policy)) {
      throw new UnsafeDestinationError(`${host} resolves to ${describeRange(parsed.range)}, which is not allowed`);
    }
  }
  const first = parseIp(candidates[0]!.address)!;
  return { address: first.ip, family: first.family === 'ipv4' ? 4 : 6 };
}

export async function safeFetch(input: string, options: SafeFetchOptions = {}): Promise<SafeResponse> {
  const url = checkUrlShape(input, options);
  const pinned = await resolveSafeAddress(url.hostname, options);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) {
      (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [pinned]);
    } else {
      callback(null, pinned.address, pinned.family);
    }
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<SafeResponse>((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: options.method ?? 'GET',
        headers: { 'user-agent': 'Peerscope/1.0', ...options.headers },
        lookup,
        timeout: timeoutMs,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        response.on('data', (chunk: Buffer) => {
          if (truncated) return;
          size += chunk.length;
          if (size > maxBytes) {
            chunks.push(chunk.subarray(0, chunk.length - (size - maxBytes)));
            truncated = true;
            response.destroy();
            finish();
            return;
          }
          chunks.push(chunk);
        });
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), truncated });
        };
        response.on('end', finish);
        response.on('error', (error) => {
          if (!truncated) fail(error);
        });
      },
    );
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      clearTimeout(timer);
      reject(error);
    };
    // Overall deadline (the socket timeout only covers idleness).
    const timer = setTimeout(() => {
      request.destroy(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    request.on('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    request.on('error', fail);
    if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}
