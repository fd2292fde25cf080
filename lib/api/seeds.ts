import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { activeChain } from '../chains';
import type { Sql } from '../db/client';
import { consensusHeight } from './aggregates';

/**
 * A DNS seeder's answer (GET /api/v1/seeds/): good peers for a new node to bootstrap
 * from. Reachable now (status up), on the chain's default port, at most
 * SEED_MAX_BLOCKS_BEHIND from the consensus height (either side), up for at least
 * SEED_MIN_UPTIME_HOURS without a break (connected_since), never hidden, one per
 * ASN (nodes without a known ASN count as one ASN), at most SEED_IPV4 IPv4 and SEED_IPV6
 * IPv6 addresses. In each ASN the best PIX score wins, ties broken by a hash that
 * changes every hour; the answer is ordered by that hourly hash, so it is stable
 * within an hour and rotates between hours.
 */

export const SEED_IPV4 = 25;
export const SEED_IPV6 = 15;
export const SEED_MAX_BLOCKS_BEHIND = 2;
export const SEED_MIN_UPTIME_HOURS = 8;
export const SEED_ZONE_TTL = 60;
const MAX_SERVICES = (1n << 64n) - 1n;

export const seedsQuerySchema = z.object({
  services: z
    .string()
    .regex(/^[0-9]{1,20}$/, 'a decimal number of service bits')
    .refine((value) => /^[0-9]{1,20}$/.test(value) && BigInt(value) <= MAX_SERVICES, 'at most 2^64-1')
    .optional(),
  format: z.enum(['json', 'zone']).optional(),
});
export type SeedsQuery = z.infer<typeof seedsQuerySchema>;

export interface SeedNode {
  address: string;
  ip: string;
  port: number;
  services: number | null;
  height: number | null;
  user_agent: string | null;
  asn: number | null;
  pix_score: number | null;
  connected_since: number | null;
}

export interface Seeds {
  timestamp: number;
  chain: string;
  port: number;
  latest_height: number | null;
  services: number | null;
  ipv4: SeedNode[];
  ipv6: SeedNode[];
}

/** The bit positions set in a services mask. */
export function serviceBits(mask: bigint): number[] {
  const bits: number[] = [];
  for (let bit = 0; bit < 64; bit += 1) if ((mask >> BigInt(bit)) & 1n) bits.push(bit);
  return bits;
}

/** The current hour (unix hours): the rotation key. */
export const rotationHour = (now: Date) => Math.floor(now.getTime() / 3_600_000);

interface SeedRow {
  ip: string;
  port: number;
  network: 'ipv4' | 'ipv6';
  services: string | null;
  height: number | null;
  user_agent: string | null;
  asn: number | null;
  pix_score: number | null;
  connected_since: Date | null;
}

/** Good peers per network family, as of `now`. */
export async function listSeeds(sql: Sql, query: SeedsQuery, now = new Date()): Promise<Seeds> {
  const chain = activeChain();
  const hour = String(rotationHour(now));
  const mask = query.services === undefined ? 0n : BigInt(query.services);
  // services is numeric(20,0): test each required bit arithmetically (no bit operators on numeric).
  const hasBits = serviceBits(mask).map((bit) => sql`and mod(floor(n.services / ${(1n << BigInt(bit)).toString()}::numeric), 2) = 1`);
  const since = new Date(now.getTime() - SEED_MIN_UPTIME_HOURS * 3_600_000);
  const [consensus] = await sql<{ height: number | null }[]>`select ${consensusHeight(sql)} as height from nodes where not hidden`;
  const latest = consensus?.height ?? null;
  const rows =
    latest === null
      ? []
      : await sql<SeedRow[]>`
    with eligible as (
      select n.ip, n.port, n.network, n.services::text as services, n.height, n.user_agent, n.asn, n.pix_score, n.connected_since,
             md5(${hour} || ':' || n.ip || ':' || n.port) as spin
      from nodes n
      where n.status = 'up' and not n.hidden and n.network in ('ipv4', 'ipv6') and n.port = ${chain.defaultPort}
        and n.height between ${latest - SEED_MAX_BLOCKS_BEHIND} and ${latest + SEED_MAX_BLOCKS_BEHIND}
        and n.connected_since <= ${since}
        ${mask === 0n ? sql`` : sql`and n.services is not null`}
        ${hasBits.length ? hasBits.reduce((all, part) => sql`${all} ${part}`) : sql``}
    ),
    one_per_asn as (
      select distinct on (network, coalesce(asn, -1)) * from eligible
      order by network, coalesce(asn, -1), pix_score desc nulls last, spin
    ),
    ranked as (
      select *, row_number() over (partition by network order by spin) as position from one_per_asn
    )
    select ip, port, network, services, height, user_agent, asn, pix_score, connected_since from ranked
    where (network = 'ipv4' and position <= ${SEED_IPV4}) or (network = 'ipv6' and position <= ${SEED_IPV6})
    order by network, position`;
  const present = (row: SeedRow): SeedNode => ({
    address: row.network === 'ipv6' ? `[${row.ip}]:${row.port}` : `${row.ip}:${row.port}`,
    ip: row.ip,
    port: row.port,
    services: row.services === null ? null : Number(row.services),
    height: row.height,
    user_agent: row.user_agent,
    asn: row.asn,
    pix_score: row.pix_score === null ? null : Number(Number(row.pix_score).toFixed(1)),
    connected_since: row.connected_since ? Math.floor(row.connected_since.getTime() / 1000) : null,
  });
  return {
    timestamp: Math.floor(now.getTime() / 1000),
    chain: chain.id,
    port: chain.defaultPort,
    latest_height: latest,
    services: query.services === undefined ? null : Number(mask),
    ipv4: rows.filter((row) => row.network === 'ipv4').map(present),
    ipv6: rows.filter((row) => row.network === 'ipv6').map(present),
  };
}

const DNS_NAME = /^(?=.{1,253}\.?$)([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\.?$/i;

/** The zone's name: SEEDS_ZONE_NAME (a DNS name; a trailing dot is added) or seed.<chain>.peerscope. */
export function seedZoneName(chainId: string, env: Record<string, string | undefined> = process.env): string {
  const configured = env.SEEDS_ZONE_NAME?.trim();
  if (configured && DNS_NAME.test(configured)) return configured.endsWith('.') ? configured.toLowerCase() : `${configured.toLowerCase()}.`;
  if (configured) console.error(`SEEDS_ZONE_NAME "${configured.slice(0, 80)}" is not a DNS name; using the default`);
  return `seed.${chainId.toLowerCase()}.peerscope.`;
}

/** The seeds as a BIND zone fragment: A and AAAA records under the zone name, TTL SEED_ZONE_TTL. */
export function seedsZone(seeds: Seeds, name = seedZoneName(seeds.chain)): string {
  const lines = [
    `; ${seeds.chain} seeds from Peerscope, ${new Date(seeds.timestamp * 1000).toISOString()}, consensus height ${seeds.latest_height ?? 'unknown'}`,
    `$ORIGIN ${name}`,
    `$TTL ${SEED_ZONE_TTL}`,
    // Only literals reach the zone text, whatever a row holds.
    ...seeds.ipv4.filter((node) => isIPv4(node.ip)).map((node) => `@\tIN\tA\t${node.ip}`),
    ...seeds.ipv6.filter((node) => isIPv6(node.ip)).map((node) => `@\tIN\tAAAA\t${node.ip}`),
  ];
  return `${lines.join('\n')}\n`;
}
