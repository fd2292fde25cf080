import { z } from 'zod';
import { addressKey } from '../crawler/types';

/**
 * A node named in a URL: a numeric id, or an address and port joined by "-" as
 * Bitnodes does ("203.0.113.5-8333", "2001:db8::1-8333", "[2001:db8::1]-8333",
 * "abcdef….onion-8333"). The port is what follows the last "-".
 */
export type NodeRef = { kind: 'id'; id: string } | { kind: 'address'; ip: string; port: number };

const portSchema = z.coerce.number().int().min(1).max(65535);
const hostSchema = z.union([
  z.ipv4(),
  z.ipv6(),
  z.string().regex(/^[a-z2-7]{16}\.onion$|^[a-z2-7]{56}\.onion$/, 'onion'),
  z.string().regex(/^[a-z2-7]{52}\.b32\.i2p$/, 'i2p'),
]);

function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** "2001:0DB8:0::1" → "2001:db8::1", the form the crawler stores. */
export function canonicalIpv6(ip: string): string {
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

export const nodeRefSchema = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .transform((raw, ctx): NodeRef => {
    const value = safeDecode(raw);
    if (/^\d{1,18}$/.test(value)) return { kind: 'id', id: String(BigInt(value)) };
    const dash = value.lastIndexOf('-');
    const host = dash > 0 ? value.slice(0, dash).replace(/^\[(.*)\]$/, '$1').toLowerCase() : '';
    const port = portSchema.safeParse(dash > 0 ? value.slice(dash + 1) : '');
    const hostOk = hostSchema.safeParse(host);
    if (!port.success || !/^\d+$/.test(value.slice(dash + 1)) || !hostOk.success) {
      ctx.addIssue({ code: 'custom', message: 'must be a numeric node id or "<ip>-<port>" (e.g. 203.0.113.5-8333, 2001:db8::1-8333)' });
      return z.NEVER;
    }
    return { kind: 'address', ip: host.includes(':') ? canonicalIpv6(host) : host, port: port.data };
  });

export function nodeRefKey(ref: Extract<NodeRef, { kind: 'address' }>): string {
  return addressKey({ host: ref.ip, port: ref.port });
}
