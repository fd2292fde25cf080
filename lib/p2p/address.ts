/**
 * Peer address helpers: IP text <-> bytes, Tor v3 / I2P names, network
 * classification and "host:port" parsing. Pure functions.
 */
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { AddressNetwork, PeerAddress } from '../crawler/types';
import { ProtocolError } from './errors';

const IPV4_MAPPED_PREFIX = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
/** OnionCat prefix used by the legacy addr message for Tor v2 (dead network; skipped). */
const ONIONCAT_PREFIX = Buffer.from([0xfd, 0x87, 0xd8, 0x7e, 0xeb, 0x43]);

export function parseIPv4(text: string): Buffer {
  if (!isIPv4(text)) throw new ProtocolError('bad-address', `not an IPv4 address: ${text}`);
  return Buffer.from(text.split('.').map(Number));
}

export function formatIPv4(bytes: Buffer): string {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

export function parseIPv6(text: string): Buffer {
  if (!isIPv6(text)) throw new ProtocolError('bad-address', `not an IPv6 address: ${text}`);
  let body = text.replace(/%.*$/, '');
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    const v4 = parseIPv4(body.slice(lastColon + 1));
    body = `${body.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = body.split('::');
  const toGroups = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const head = toGroups(halves[0] ?? '');
  const tail = halves.length > 1 ? toGroups(halves[1] ?? '') : [];
  const groups = halves.length > 1 ? [...head, ...new Array<number>(Math.max(0, 8 - head.length - tail.length)).fill(0), ...tail] : head;
  if (groups.length !== 8 || groups.some((group) => !(group >= 0 && group <= 0xffff))) {
    throw new ProtocolError('bad-address', `cannot parse IPv6 ${text}`);
  }
  const out = Buffer.alloc(16);
  groups.forEach((group, index) => out.writeUInt16BE(group, index * 2));
  return out;
}

/** RFC 5952 canonical text: lower case, longest run of two or more zero groups compressed. */
export function formatIPv6(bytes: Buffer): string {
  const groups: number[] = [];
  for (let index = 0; index < 8; index += 1) groups.push(bytes.readUInt16BE(index * 2));
  let bestStart = -1;
  let bestLength = 0;
  for (let index = 0; index < 8; ) {
    if (groups[index] !== 0) {
      index += 1;
      continue;
    }
    let end = index;
    while (end < 8 && groups[end] === 0) end += 1;
    if (end - index > bestLength) {
      bestStart = index;
      bestLength = end - index;
    }
    index = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestLength < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * A 16-byte legacy addr IP as a PeerAddress host. IPv4-mapped addresses
 * become ipv4; OnionCat (Tor v2) returns null; fc00::/8 is CJDNS by convention.
 */
export function addressFromIp16(bytes: Buffer, port: number): PeerAddress | null {
  if (bytes.length !== 16) throw new ProtocolError('bad-address', 'IP must be 16 bytes');
  if (bytes.subarray(0, 12).equals(IPV4_MAPPED_PREFIX)) {
    return { host: formatIPv4(bytes.subarray(12)), port, network: 'ipv4' };
  }
  if (bytes.subarray(0, 6).equals(ONIONCAT_PREFIX)) return null;
  return { host: formatIPv6(bytes), port, network: bytes[0] === 0xfc ? 'cjdns' : 'ipv6' };
}

/** The 16-byte legacy form of an IP address (IPv4 becomes IPv4-mapped). Throws for onion/i2p. */
export function ip16FromAddress(address: Pick<PeerAddress, 'host' | 'network'>): Buffer {
  if (address.network === 'ipv4') return Buffer.concat([IPV4_MAPPED_PREFIX, parseIPv4(address.host)]);
  if (address.network === 'ipv6' || address.network === 'cjdns') return parseIPv6(address.host);
  throw new ProtocolError('bad-address', `${address.network} has no 16-byte form`);
}

const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, no padding (as Tor and I2P names use). */
export function base32Encode(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text.toLowerCase()) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) throw new ProtocolError('bad-address', `invalid base32 character ${JSON.stringify(char)}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}

const TORV3_VERSION = 3;

function torV3Checksum(pubkey: Buffer): Buffer {
  return createHash('sha3-256')
    .update(Buffer.concat([Buffer.from('.onion checksum'), pubkey, Buffer.from([TORV3_VERSION])]))
    .digest()
    .subarray(0, 2);
}

/** Tor v3 ed25519 public key -> "<56 chars>.onion" (rend-spec-v3: base32(PUBKEY | CHECKSUM | VERSION)). */
export function onionFromPubkey(pubkey: Buffer): string {
  if (pubkey.length !== 32) throw new ProtocolError('bad-address', 'Tor v3 key must be 32 bytes');
  return `${base32Encode(Buffer.concat([pubkey, torV3Checksum(pubkey), Buffer.from([TORV3_VERSION])]))}.onion`;
}

/** "<56 chars>.onion" -> the 32-byte public key, verifying version and checksum. */
export function pubkeyFromOnion(host: string): Buffer {
  const match = /^([a-z2-7]{56})\.onion$/i.exec(host);
  if (!match) throw new ProtocolError('bad-address', `not a Tor v3 address: ${host}`);
  const decoded = base32Decode(match[1]!);
  const pubkey = decoded.subarray(0, 32);
  if (decoded[34] !== TORV3_VERSION || !decoded.subarray(32, 34).equals(torV3Checksum(pubkey))) {
    throw new ProtocolError('bad-address', `bad Tor v3 checksum or version: ${host}`);
  }
  return Buffer.from(pubkey);
}

export function i2pFromHash(hash: Buffer): string {
  if (hash.length !== 32) throw new ProtocolError('bad-address', 'I2P hash must be 32 bytes');
  return `${base32Encode(hash)}.b32.i2p`;
}

export function hashFromI2p(host: string): Buffer {
  const match = /^([a-z2-7]{52})\.b32\.i2p$/i.exec(host);
  if (!match) throw new ProtocolError('bad-address', `not an I2P b32 address: ${host}`);
  return base32Decode(match[1]!).subarray(0, 32);
}

/** Which network a host string belongs to, or null when it is none we know. */
export function networkOfHost(host: string): AddressNetwork | null {
  if (isIPv4(host)) return 'ipv4';
  if (isIPv6(host)) {
    const bytes = parseIPv6(host);
    return bytes[0] === 0xfc ? 'cjdns' : 'ipv6';
  }
  if (/^[a-z2-7]{56}\.onion$/i.test(host)) return 'onion';
  if (/^[a-z2-7]{52}\.b32\.i2p$/i.test(host)) return 'i2p';
  return null;
}

/**
 * Parses "1.2.3.4:8333", "[2001:db8::1]:8333", "xyz.onion:8333" or a bare
 * host (then defaultPort). IPv6 hosts are returned canonical; IPv4-mapped become ipv4.
 */
export function parsePeerAddress(text: string, defaultPort: number): PeerAddress {
  const trimmed = text.trim();
  let host = trimmed;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else if (!isIPv6(trimmed)) {
    const colon = trimmed.lastIndexOf(':');
    if (colon >= 0) {
      host = trimmed.slice(0, colon);
      portText = trimmed.slice(colon + 1);
    }
  }
  const port = portText === undefined ? defaultPort : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || (portText !== undefined && !/^\d+$/.test(portText))) {
    throw new ProtocolError('bad-address', `bad port in ${JSON.stringify(text)}`);
  }
  const network = networkOfHost(host);
  if (!network) throw new ProtocolError('bad-address', `unrecognised host in ${JSON.stringify(text)}`);
  if (network === 'ipv6' || network === 'cjdns') {
    const canonical = addressFromIp16(parseIPv6(host), port);
    if (!canonical) throw new ProtocolError('bad-address', `unsupported address ${JSON.stringify(text)}`);
    return canonical;
  }
  return { host: network === 'ipv4' ? host : host.toLowerCase(), port, network };
}
