import { addressKey, type PeerAddress } from '../crawler/types';
import { HttpError } from '../http/http-error';
import type { Sql } from '../db/client';
import { denyListMatcher } from '../p2p/gossip-policy';

/** The active bans (hides are still dialed) in the shape of the crawler's operator deny list. */
export interface BanDenyList {
  cidrs: string[];
  asns: number[];
  /** addressKey() of banned nodes ("203.0.113.5:8333", "[2001:db8::1]:8333", "x.onion:8333"). */
  addresses: string[];
}

export const EMPTY_DENY_LIST: BanDenyList = { cidrs: [], asns: [], addresses: [] };

/** Reads the active bans (not lifted, not expired) once: the crawler per pass, checks per request. */
export async function loadBanDenyList(sql: Sql): Promise<BanDenyList> {
  const rows = await sql<{ target_type: 'node' | 'cidr' | 'asn'; ip: string | null; port: number | null; cidr: string | null; asn: string | null }[]>`
    select target_type, ip, port, cidr::text as cidr, asn::text as asn from node_bans
    where action = 'ban' and lifted_at is null and (expires_at is null or expires_at > now())`;
  const list: BanDenyList = { cidrs: [], asns: [], addresses: [] };
  for (const row of rows) {
    if (row.target_type === 'cidr') list.cidrs.push(row.cidr!);
    else if (row.target_type === 'asn') list.asns.push(Number(row.asn));
    else list.addresses.push(addressKey({ host: row.ip!, port: row.port! }));
  }
  return list;
}

/**
 * Why a single address may not be dialed by a one-off probe (POST /api/check, registration,
 * the admin check): the same matcher as the crawler's deny list (lib/p2p/gossip-policy), fed with
 * the active bans. The ASN comes from our record of the node, else from the geo database when an
 * ASN is banned. Null when it may be dialed.
 */
export async function banRefusal(
  sql: Sql,
  address: PeerAddress,
  options: { asnOf?: (host: string) => Promise<number | null> } = {},
): Promise<string | null> {
  const list = await loadBanDenyList(sql);
  if (list.cidrs.length === 0 && list.asns.length === 0 && list.addresses.length === 0) return null;
  let asn: number | null = null;
  if (list.asns.length > 0) {
    const [known] = await sql<{ asn: number | null }[]>`select asn from nodes where ip = ${address.host} and asn is not null limit 1`;
    asn = known?.asn ?? (options.asnOf ? await options.asnOf(address.host).catch(() => null) : null);
  }
  const denied = denyListMatcher({
    denyCidrs: list.cidrs,
    denyAsns: list.asns,
    denyAddresses: list.addresses,
    asnOf: () => asn,
  });
  return denied(address);
}

/** ASN of an address from the geo database (opened only when an ASN is banned). */
async function geoAsn(host: string): Promise<number | null> {
  const { getGeoLookup } = await import('../geo');
  return (await getGeoLookup()).lookup(host)?.asn ?? null;
}

/** Throws 403 when an active ban covers the address: one-off probes never dial banned targets. */
export async function refuseBannedTarget(sql: Sql, address: PeerAddress): Promise<void> {
  const refusal = await banRefusal(sql, address, { asnOf: geoAsn });
  if (refusal) {
    throw new HttpError(403, 'Address banned', `${addressKey(address)} is on the ban list (see GET /api/banned) and is never dialed.`);
  }
}
