import ipaddr from 'ipaddr.js';

export interface AddressPolicy {
  /** Let loopback addresses through (simulator / tests only). */
  allowLoopback?: boolean;
}

export type ParsedAddress = { ip: string; family: 'ipv4' | 'ipv6'; range: string };

/**
 * Parses an IP literal (IPv4 dotted quad or IPv6, brackets allowed) into its canonical form.
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) is reduced to IPv4 so its range is judged as such.
 */
export function parseIp(input: string): ParsedAddress | undefined {
  const raw = input.trim().replace(/^\[(.*)\]$/, '$1');
  if (raw.includes('%')) return undefined; // zone ids are link-local by definition
  if (ipaddr.IPv4.isValidFourPartDecimal(raw)) {
    const v4 = ipaddr.IPv4.parse(raw);
    return { ip: v4.toString(), family: 'ipv4', range: v4.range() };
  }
  if (!ipaddr.IPv6.isValid(raw)) return undefined;
  const v6 = ipaddr.IPv6.parse(raw);
  // ipaddr.js reads IPv4-compatible "::1.2.3.4" (deprecated, RFC 4291) as IPv4-mapped; it is not.
  const dotted = /^(.*:)\d+\.\d+\.\d+\.\d+$/.exec(raw);
  if (dotted && ipaddr.IPv6.isValid(`${dotted[1]}0:0`) && ipaddr.IPv6.parse(`${dotted[1]}0:0`).parts.slice(0, 6).every((part) => part === 0)) {
    return { ip: v6.toRFC5952String(), family: 'ipv6', range: 'ipv4Compatible' };
  }
  if (v6.isIPv4MappedAddress()) {
    const v4 = v6.toIPv4Address();
    return { ip: v4.toString(), family: 'ipv4', range: v4.range() };
  }
  return { ip: v6.toRFC5952String(), family: 'ipv6', range: ipv6Range(v6) };
}

/**
 * Ranges ipaddr.js calls plain unicast that are not publicly routable. ::/96 is the
 * deprecated IPv4-compatible form (RFC 4291): ::7f00:1 embeds 127.0.0.1, and some
 * stacks still route it to the embedded IPv4 address.
 */
const EXTRA_IPV6_RANGES: [ipaddr.IPv6, number, string][] = [[ipaddr.IPv6.parse('::'), 96, 'ipv4Compatible']];

function ipv6Range(address: ipaddr.IPv6): string {
  const range = address.range();
  if (range !== 'unicast') return range;
  return EXTRA_IPV6_RANGES.find(([network, bits]) => address.match(network, bits))?.[2] ?? range;
}

/**
 * Whether an address is publicly routable unicast. Refused: unspecified, broadcast,
 * private (RFC 1918), unique-local, loopback (unless allowed), link-local, CGNAT
 * (100.64/10), multicast, reserved and documentation/benchmarking ranges, and IPv6
 * transition prefixes (6to4, Teredo, NAT64, IPv4-compatible ::/96, IPv4-translated) that can
 * embed private IPv4 addresses, and every other special-purpose range ipaddr.js knows.
 */
export function isPublicAddress(address: ParsedAddress, policy: AddressPolicy = {}): boolean {
  if (address.range === 'unicast') return true;
  return address.range === 'loopback' && policy.allowLoopback === true;
}

/** Ranges a test network may use when its chain config sets allowNonPublicAddresses. */
const TEST_NETWORK_RANGES = new Set(['loopback', 'private', 'uniqueLocal']);

export interface PeerAddressPolicy {
  /** Lets loopback and private (RFC 1918, ULA) addresses through; everything else non-public stays refused. */
  allowNonPublicAddresses?: boolean;
}

/**
 * Why a peer address (from gossip or DNS seeds) must not be stored or dialed,
 * or null when it may: the registration rule (isPublicAddress), with loopback
 * and private ranges let through for test networks. Documentation,
 * benchmarking, multicast, reserved, 0.0.0.0/8, link-local, CGNAT and port 0
 * are refused whatever the policy.
 */
export function peerAddressRefusal(host: string, port: number, policy: PeerAddressPolicy = {}): string | null {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return 'port 0 or out of range';
  const parsed = parseIp(host);
  if (!parsed) return 'not an IP address';
  if (isPublicAddress(parsed)) return null;
  if (policy.allowNonPublicAddresses && TEST_NETWORK_RANGES.has(parsed.range)) return null;
  return describeRange(parsed.range);
}

/** Why an address is refused, for error details. */
export function describeRange(range: string): string {
  const names: Record<string, string> = {
    private: 'a private (RFC 1918) address',
    uniqueLocal: 'a private (unique local) address',
    loopback: 'a loopback address',
    linkLocal: 'a link-local address',
    carrierGradeNat: 'a carrier-grade NAT (100.64.0.0/10) address',
    multicast: 'a multicast address',
    unspecified: 'the unspecified address',
    broadcast: 'the broadcast address',
    reserved: 'a reserved or documentation address',
    ipv4Compatible: 'an IPv4-compatible IPv6 address (::/96)',
  };
  return names[range] ?? `a non-public address (${range})`;
}

export const allowLoopbackNodes = (env: Record<string, string | undefined> = process.env) =>
  env.PEERSCOPE_ALLOW_LOOPBACK_NODES === '1' || env.PEERSCOPE_ALLOW_LOOPBACK_NODES === 'true';

export const allowLoopbackWebhooks = (env: Record<string, string | undefined> = process.env) =>
  env.PEERSCOPE_ALLOW_LOOPBACK_WEBHOOKS === '1' || env.PEERSCOPE_ALLOW_LOOPBACK_WEBHOOKS === 'true';
