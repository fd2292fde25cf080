import { closeSql } from '../../lib/db/client';
import { resetRateLimiter } from '../../lib/ratelimit';
import type { Sql } from '../../lib/db/client';
import { newPeerKey, PEER_HEADER, PEER_KEY_ENV, peerHeaderValue } from '../../lib/http/client-ip';

// Route handlers called in-process trust the socket stamp our web server would set.
process.env[PEER_KEY_ENV] ??= newPeerKey();

/** Headers that make a request come from `ip`, as scripts/web-server.ts stamps a connection. */
export function fromAddress(ip: string, scheme: 'http' | 'https' = 'http'): Record<string, string> {
  return { [PEER_HEADER]: peerHeaderValue(process.env[PEER_KEY_ENV]!, ip, scheme) };
}

/** Points the route handlers' process-wide pool at a test database. */
export async function useDatabaseForRoutes(url: string): Promise<void> {
  await closeSql();
  process.env.DATABASE_URL = url;
}

export async function releaseRoutes(): Promise<void> {
  await closeSql();
  await resetRateLimiter();
  delete process.env.DATABASE_URL;
}

let ipCounter = 0;
/** A fresh client address per call so tests never share an anonymous rate-limit bucket. */
export function freshIp(): string {
  ipCounter += 1;
  return `198.18.${Math.floor(ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`;
}

export function request(path: string, headers: Record<string, string> = {}): Request {
  return new Request(`http://localhost${path}`, { headers: { ...fromAddress(freshIp()), ...headers } });
}

export function context(params: Record<string, string>) {
  return { params: Promise.resolve(params) };
}

export interface NodeSeed {
  ip: string;
  port?: number;
  status?: 'up' | 'down' | 'unknown';
  protocol_version?: number | null;
  user_agent?: string | null;
  services?: string | null;
  height?: number | null;
  country?: string | null;
  country_name?: string | null;
  tier?: string | null;
  pix_score?: number | null;
  uptime_percentage?: number | null;
  latency_ms?: number | null;
  rank?: number | null;
  verified?: boolean;
  hidden?: boolean;
  last_seen?: Date | null;
  first_seen?: Date;
  connected_since?: Date | null;
  latitude?: number | null;
  longitude?: number | null;
  asn?: number | null;
}

export async function insertNode(sql: Sql, seed: NodeSeed): Promise<string> {
  const row = {
    port: 8333,
    status: 'up',
    network: seed.ip.includes(':') ? 'ipv6' : 'ipv4',
    verified: false,
    hidden: false,
    ...seed,
  };
  const [inserted] = await sql<{ id: string }[]>`insert into nodes ${sql(row as never)} returning id`;
  return inserted!.id;
}
