import { isIP } from 'node:net';
import { isPublicAddress, parseIp } from '../net/ip-policy';

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** The address to look up: IPv4-mapped IPv6 becomes plain IPv4; null for non-IP hosts (onion, i2p, names). */
export function normaliseIp(host: string): { ip: string; family: 4 | 6 } | null {
  const trimmed = host.trim().replace(/^\[(.*)\]$/, '$1');
  const mapped = MAPPED_IPV4.exec(trimmed);
  if (mapped) return { ip: mapped[1]!, family: 4 };
  const family = isIP(trimmed);
  return family === 4 || family === 6 ? { ip: trimmed, family } : null;
}

/**
 * True for a routable public IP address: the same rule node registration and
 * webhook checks use (lib/net/ip-policy). False for private, loopback, reserved
 * and documentation IPs and for non-IP hosts.
 */
export function isPublicIp(host: string): boolean {
  const parsed = parseIp(host);
  return parsed !== undefined && isPublicAddress(parsed);
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
