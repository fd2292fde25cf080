/**
 * Realistic-looking public addresses for simulated peers, so geo lookups in
 * demos give real countries. Each entry is a block registered to a large
 * hosting provider or ISP in the given country (as published in RIR data;
 * geolocation of individual hosts may differ). Nothing here is ever dialed:
 * the simulator's dialer maps these addresses to loopback listeners.
 */
import type { PeerAddress } from '@/lib/crawler/types';
import { formatIPv6 } from '@/lib/p2p/address';
import type { Rng } from './random';

interface Block {
  /** IPv4 "a.b" /16 or IPv6 /32 prefix as 4 hex bytes. */
  prefix: string;
  country: string;
  note: string;
}

export const IPV4_BLOCKS: readonly Block[] = [
  { prefix: '5.9', country: 'DE', note: 'Hetzner' },
  { prefix: '88.198', country: 'DE', note: 'Hetzner' },
  { prefix: '95.216', country: 'FI', note: 'Hetzner Helsinki' },
  { prefix: '51.15', country: 'FR', note: 'Scaleway' },
  { prefix: '163.172', country: 'FR', note: 'Scaleway' },
  { prefix: '37.97', country: 'NL', note: 'TransIP' },
  { prefix: '45.33', country: 'US', note: 'Linode' },
  { prefix: '104.131', country: 'US', note: 'DigitalOcean' },
  { prefix: '159.89', country: 'US', note: 'DigitalOcean' },
  { prefix: '128.199', country: 'SG', note: 'DigitalOcean Singapore' },
  { prefix: '133.242', country: 'JP', note: 'Sakura Internet' },
  { prefix: '139.162', country: 'JP', note: 'Linode Tokyo' },
  { prefix: '177.71', country: 'BR', note: 'Brazilian ISP space' },
  { prefix: '142.93', country: 'CA', note: 'OVH Canada' },
  { prefix: '91.121', country: 'FR', note: 'OVH' },
  { prefix: '81.2', country: 'GB', note: 'UK ISP space' },
  { prefix: '95.165', country: 'RU', note: 'Russian ISP space' },
  { prefix: '103.1', country: 'AU', note: 'APNIC space (AU)' },
  { prefix: '211.104', country: 'KR', note: 'Korean ISP space' },
  { prefix: '185.25', country: 'CH', note: 'RIPE space (CH)' },
];

export const IPV6_BLOCKS: readonly Block[] = [
  { prefix: '2a0104f8', country: 'DE', note: 'Hetzner 2a01:4f8::/32' },
  { prefix: '200141d0', country: 'FR', note: 'OVH 2001:41d0::/32' },
  { prefix: '26003c00', country: 'US', note: 'Linode 2600:3c00::/32' },
  { prefix: '24006180', country: 'SG', note: 'DigitalOcean 2400:6180::/32' },
  { prefix: '2a03b0c0', country: 'NL', note: 'DigitalOcean 2a03:b0c0::/32' },
];

/** A fresh address not yet in `taken` (keys "host"), IPv6 with probability ipv6Share. */
export function randomPublicAddress(rng: Rng, port: number, ipv6Share: number, taken: Set<string>): PeerAddress {
  for (;;) {
    let address: PeerAddress;
    if (rng.next() < ipv6Share) {
      // Each peer in its own /64 (the crawler keeps one node per IPv6 /64, as Bitnodes does).
      const bytes = Buffer.concat([Buffer.from(rng.pick(IPV6_BLOCKS).prefix, 'hex'), rng.bytes(4), Buffer.alloc(4), rng.bytes(4)]);
      address = { host: formatIPv6(bytes), port, network: 'ipv6' };
    } else {
      address = { host: `${rng.pick(IPV4_BLOCKS).prefix}.${rng.int(0, 256)}.${rng.int(1, 255)}`, port, network: 'ipv4' };
    }
    if (!taken.has(address.host)) {
      taken.add(address.host);
      return address;
    }
  }
}
