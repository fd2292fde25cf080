import { BlockList, isIP } from 'node:net';

/**
 * Address ranges that never have a public location: private, loopback,
 * link-local, carrier-grade NAT, documentation, benchmarking, multicast and
 * reserved space (IPv4 and IPv6).
 */
const nonPublic = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv6');
}

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** The address to look up: IPv4-mapped IPv6 becomes plain IPv4; null for non-IP hosts (onion, i2p, names). */
export function normaliseIp(host: string): { ip: string; family: 4 | 6 } | null {
  const trimmed = host.trim().replace(/^\[(.*)\]$/, '$1');
  const mapped = MAPPED_IPV4.exec(trimmed);
  if (mapped) return { ip: mapped[1]!, family: 4 };
  const family = isIP(trimmed);
  return family === 4 || family === 6 ? { ip: trimmed, family } : null;
}

/** True for a routable public IP address; false for private, loopback and reserved IPs and for non-IP hosts. */
export function isPublicIp(host: string): boolean {
  const parsed = normaliseIp(host);
  if (!parsed) return false;
  return !nonPublic.check(parsed.ip, parsed.family === 4 ? 'ipv4' : 'ipv6');
}

export function ipv4ToNumber(ip: string): number {
  const parts = ip.split('.');
  return ((Number(parts[0]) << 24) >>> 0) + (Number(parts[1]) << 16) + (Number(parts[2]) << 8) + Number(parts[3]);
}

/** 128-bit value of an IPv6 address (compressed forms and a trailing dotted quad allowed). */
export function ipv6ToBigInt(ip: string): bigint {
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const value = ipv4ToNumber(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  let value = 0n;
  for (const group of groups) value = (value << 16n) + BigInt(Number.parseInt(group || '0', 16));
  return value;
}
