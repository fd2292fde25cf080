/**
 * What the crawler accepts from gossip (addr/addrv2 entries and DNS seed
 * answers), as Bitnodes and Bitcoin Core do. Pure functions; the crawl
 * engine applies them before anything is stored or dialed.
 */
import ipaddr from 'ipaddr.js';
import { addressKey, type PeerAddress } from '../crawler/types';
import { peerAddressRefusal } from '../net/ip-policy';
import { parseIPv6 } from './address';
import type { AddrEntry } from './messages';

export interface DenyList {
  /** Operator deny list (and active bans). */
  denyCidrs: readonly string[];
  denyAsns: readonly number[];
  /** Single nodes by addressKey() ("203.0.113.5:8333", "[2001:db8::1]:8333"): banned nodes. */
  denyAddresses?: readonly string[];
  /** The ASN of an IP address (from the geo database), for the ASN deny list. */
  asnOf?: (host: string) => number | null;
}

export interface GossipPolicy extends DenyList {
  allowNonPublicAddresses: boolean;
}

export type AddressAdmission = (address: PeerAddress) => string | null;

/** The deny-list part alone: null when no entry matches the address, otherwise which one. */
export function denyListMatcher(policy: DenyList): AddressAdmission {
  const cidrs = policy.denyCidrs.map((text) => ipaddr.parseCIDR(text));
  const asns = new Set(policy.denyAsns);
  const addresses = new Set(policy.denyAddresses ?? []);
  return (address) => {
    if (addresses.size > 0 && addresses.has(addressKey(address))) return `denied ${addressKey(address)}`;
    if (address.network === 'onion' || address.network === 'i2p') return null;
    if (cidrs.length > 0) {
      let parsed: ipaddr.IPv4 | ipaddr.IPv6;
      try {
        parsed = ipaddr.process(address.host);
      } catch {
        return null;
      }
      for (const [range, bits] of cidrs) {
        if (range.kind() === parsed.kind() && parsed.match(range, bits)) return `denied by ${range.toString()}/${bits}`;
      }
    }
    if (asns.size > 0 && policy.asnOf) {
      const asn = policy.asnOf(address.host);
      if (asn !== null && asns.has(asn)) return `denied AS${asn}`;
    }
    return null;
  };
}

/** Builds the check every learned address goes through: null when it may be stored and dialed, otherwise why not. */
export function addressAdmission(policy: GossipPolicy): AddressAdmission {
  const denied = denyListMatcher(policy);
  return (address) => {
    // Onion, I2P and CJDNS names are not IP-routable addresses: nothing to check but the port (and banned nodes).
    if (address.network === 'onion' || address.network === 'i2p' || address.network === 'cjdns') {
      return address.port >= 1 && address.port <= 65_535 ? denied(address) : 'port 0 or out of range';
    }
    const refusal = peerAddressRefusal(address.host, address.port, policy);
    if (refusal) return refusal;
    return denied(address);
  };
}

export interface FreshnessWindow {
  /** Unix seconds now. */
  now: number;
  maxAgeSeconds: number;
  maxFutureSeconds: number;
}

/** Whether a gossiped entry's timestamp is inside the window (not too old, not too far in the future). */
export function isFreshEntry(entry: Pick<AddrEntry, 'time'>, window: FreshnessWindow): boolean {
  return entry.time >= window.now - window.maxAgeSeconds && entry.time <= window.now + window.maxFutureSeconds;
}

/** The /64 an IPv6 address belongs to (one node per /64 is kept), or null for other networks. */
export function ipv6Slash64(address: PeerAddress): string | null {
  if (address.network !== 'ipv6') return null;
  return parseIPv6(address.host).subarray(0, 8).toString('hex');
}
