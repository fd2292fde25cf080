/**
 * Payload codecs for the messages the crawler speaks: version, verack,
 * ping/pong, getaddr, addr, addrv2 (BIP155) and sendaddrv2. Pure
 * Buffer-in/Buffer-out; decoders throw only ProtocolError.
 */
import { randomBytes } from 'node:crypto';
import type { PeerAddress } from '../crawler/types';
import {
  addressFromIp16,
  formatIPv4,
  formatIPv6,
  hashFromI2p,
  i2pFromHash,
  ip16FromAddress,
  onionFromPubkey,
  parseIPv4,
  parseIPv6,
  pubkeyFromOnion,
} from './address';
import { ByteReader, encodeCompactSize, encodeVarBytes, encodeVarStr, i32le, i64le, u16be, u32le, u64le } from './bytes';
import { ProtocolError } from './errors';
import type { Frame } from './frame';

/** Protocol limit on entries in one addr / addrv2 message (MAX_ADDR_TO_SEND). */
export const MAX_ADDR_ENTRIES = 1000;
/** Bitcoin Core's MAX_SUBVERSION_LENGTH. */
export const MAX_USER_AGENT_LENGTH = 256;
/** BIP155: addresses longer than 512 bytes must be rejected. */
export const MAX_ADDRV2_ADDRESS_LENGTH = 512;
/** The protocol version from which BIP155 sendaddrv2 is meaningful. */
export const ADDRV2_MIN_PROTOCOL_VERSION = 70016;

export const NODE_NETWORK = 1n;
export const NODE_WITNESS = 1n << 3n;
export const NODE_NETWORK_LIMITED = 1n << 10n;

export interface NetAddress {
  services: bigint;
  /** null for address types the legacy format cannot express usefully (e.g. OnionCat Tor v2). */
  address: PeerAddress | null;
}

export interface VersionMessage {
  protocolVersion: number;
  services: bigint;
  /** Unix seconds. */
  timestamp: number;
  receiver: NetAddress;
  sender: NetAddress;
  nonce: bigint;
  userAgent: string;
  startHeight: number;
  relay: boolean;
}

export interface AddrEntry {
  /** Unix seconds the address was last seen, as gossiped. */
  time: number;
  services: bigint;
  address: PeerAddress;
}

export interface AddrDecodeResult {
  entries: AddrEntry[];
  /** Entries dropped as unsupported (Tor v2, unknown BIP155 network ids, wrong lengths, port 0). */
  skipped: number;
}

export type P2PMessage =
  | { command: 'version'; version: VersionMessage }
  | { command: 'verack' }
  | { command: 'ping'; nonce: bigint | null }
  | { command: 'pong'; nonce: bigint }
  | { command: 'getaddr' }
  | { command: 'sendaddrv2' }
  | { command: 'addr'; result: AddrDecodeResult }
  | { command: 'addrv2'; result: AddrDecodeResult }
  | { command: 'other'; name: string; length: number };

const UNROUTABLE = { host: '0.0.0.0', port: 0, network: 'ipv4' } as const satisfies PeerAddress;

export function randomNonce(): bigint {
  return randomBytes(8).readBigUInt64LE(0);
}

// ---- net_addr (legacy, 26 bytes without time) ----

export function encodeNetAddress(services: bigint, address: PeerAddress | null): Buffer {
  const target = address && (address.network === 'ipv4' || address.network === 'ipv6' || address.network === 'cjdns') ? address : UNROUTABLE;
  return Buffer.concat([u64le(services), ip16FromAddress(target), u16be(target.port)]);
}

function readNetAddress(reader: ByteReader): NetAddress {
  const services = reader.u64le();
  const ip = reader.bytes(16);
  const port = reader.u16be();
  return { services, address: addressFromIp16(ip, port) };
}

// ---- version ----

export interface VersionOptions {
  protocolVersion: number;
  services?: bigint;
  timestamp?: number;
  receiver?: PeerAddress | null;
  sender?: PeerAddress | null;
  nonce?: bigint;
  userAgent: string;
  startHeight?: number;
  relay?: boolean;
}

export function encodeVersion(options: VersionOptions): Buffer {
  return Buffer.concat([
    i32le(options.protocolVersion),
    u64le(options.services ?? 0n),
    i64le(BigInt(options.timestamp ?? Math.floor(Date.now() / 1000))),
    encodeNetAddress(0n, options.receiver ?? null),
    encodeNetAddress(options.services ?? 0n, options.sender ?? null),
    u64le(options.nonce ?? randomNonce()),
    encodeVarStr(options.userAgent),
    i32le(options.startHeight ?? 0),
    Buffer.from([options.relay === false ? 0 : 1]),
  ]);
}

export function decodeVersion(payload: Buffer): VersionMessage {
  const reader = new ByteReader(payload);
  const protocolVersion = reader.i32le();
  const services = reader.u64le();
  const timestamp = Number(reader.i64le());
  const receiver = readNetAddress(reader);
  // Fields below were added over time (106, 209, 70001); old peers may omit them.
  const sender = reader.remaining > 0 ? readNetAddress(reader) : { services: 0n, address: null };
  const nonce = reader.remaining > 0 ? reader.u64le() : 0n;
  const userAgent = reader.remaining > 0 ? reader.varStr(MAX_USER_AGENT_LENGTH) : '';
  const startHeight = reader.remaining > 0 ? reader.i32le() : 0;
  const relay = reader.remaining > 0 ? reader.u8() !== 0 : true;
  return { protocolVersion, services, timestamp, receiver, sender, nonce, userAgent, startHeight, relay };
}

// ---- ping / pong ----

export function encodeNonce(nonce: bigint): Buffer {
  return u64le(nonce);
}

export function decodeNonce(payload: Buffer): bigint {
  return new ByteReader(payload).u64le();
}

// ---- addr (legacy) ----

export function encodeAddr(entries: AddrEntry[]): Buffer {
  const ipEntries = entries.filter((entry) => entry.address.network === 'ipv4' || entry.address.network === 'ipv6' || entry.address.network === 'cjdns');
  if (ipEntries.length > MAX_ADDR_ENTRIES) throw new RangeError(`addr holds at most ${MAX_ADDR_ENTRIES} entries`);
  return Buffer.concat([
    encodeCompactSize(ipEntries.length),
    ...ipEntries.map((entry) => Buffer.concat([u32le(entry.time), encodeNetAddress(entry.services, entry.address)])),
  ]);
}

export function decodeAddr(payload: Buffer): AddrDecodeResult {
  const reader = new ByteReader(payload);
  const count = reader.boundedCount(MAX_ADDR_ENTRIES, 'entries');
  // 30 bytes per entry: reject a count the payload cannot hold before looping.
  if (count * 30 > reader.remaining) throw new ProtocolError('truncated', `addr announces ${count} entries`);
  const entries: AddrEntry[] = [];
  let skipped = 0;
  for (let index = 0; index < count; index += 1) {
    const time = reader.u32le();
    const { services, address } = readNetAddress(reader);
    if (address && address.port !== 0) entries.push({ time, services, address });
    else skipped += 1;
  }
  return { entries, skipped };
}

// ---- addrv2 (BIP155) ----

export const BIP155_NETWORK = { ipv4: 1, ipv6: 2, torv2: 3, onion: 4, i2p: 5, cjdns: 6 } as const;

function addrV2Bytes(address: PeerAddress): { id: number; bytes: Buffer } {
  switch (address.network) {
    case 'ipv4':
      return { id: BIP155_NETWORK.ipv4, bytes: parseIPv4(address.host) };
    case 'ipv6':
      return { id: BIP155_NETWORK.ipv6, bytes: parseIPv6(address.host) };
    case 'onion':
      return { id: BIP155_NETWORK.onion, bytes: pubkeyFromOnion(address.host) };
    case 'i2p':
      return { id: BIP155_NETWORK.i2p, bytes: hashFromI2p(address.host) };
    case 'cjdns':
      return { id: BIP155_NETWORK.cjdns, bytes: parseIPv6(address.host) };
  }
}

export function encodeAddrV2(entries: AddrEntry[]): Buffer {
  if (entries.length > MAX_ADDR_ENTRIES) throw new RangeError(`addrv2 holds at most ${MAX_ADDR_ENTRIES} entries`);
  return Buffer.concat([
    encodeCompactSize(entries.length),
    ...entries.map((entry) => {
      const { id, bytes } = addrV2Bytes(entry.address);
      return Buffer.concat([u32le(entry.time), encodeCompactSize(entry.services), Buffer.from([id]), encodeVarBytes(bytes), u16be(entry.address.port)]);
    }),
  ]);
}

const ADDRV2_LENGTHS: Record<number, number> = { 1: 4, 2: 16, 3: 10, 4: 32, 5: 32, 6: 16 };

function addressFromAddrV2(networkId: number, bytes: Buffer, port: number): PeerAddress | null {
  if (ADDRV2_LENGTHS[networkId] !== undefined && ADDRV2_LENGTHS[networkId] !== bytes.length) return null;
  switch (networkId) {
    case BIP155_NETWORK.ipv4:
      return { host: formatIPv4(bytes), port, network: 'ipv4' };
    case BIP155_NETWORK.ipv6: {
      // IPv4-mapped becomes ipv4 and OnionCat is dropped, as for legacy addr.
      // fc00::/8 sent as type IPv6 stays ipv6 here (CJDNS has its own id in addrv2).
      const address = addressFromIp16(bytes, port);
      return address?.network === 'cjdns' ? { ...address, network: 'ipv6' } : address;
    }
    case BIP155_NETWORK.onion:
      return { host: onionFromPubkey(bytes), port, network: 'onion' };
    case BIP155_NETWORK.i2p:
      return { host: i2pFromHash(bytes), port, network: 'i2p' };
    case BIP155_NETWORK.cjdns:
      return bytes[0] === 0xfc ? { host: formatIPv6(bytes), port, network: 'cjdns' } : null;
    default:
      return null; // Tor v2 (dead) and network ids from the future.
  }
}

export function decodeAddrV2(payload: Buffer): AddrDecodeResult {
  const reader = new ByteReader(payload);
  const count = reader.boundedCount(MAX_ADDR_ENTRIES, 'entries');
  // At least 4+1+1+1+2 = 9 bytes per entry.
  if (count * 9 > reader.remaining) throw new ProtocolError('truncated', `addrv2 announces ${count} entries`);
  const entries: AddrEntry[] = [];
  let skipped = 0;
  for (let index = 0; index < count; index += 1) {
    const time = reader.u32le();
    const services = reader.compactSize();
    const networkId = reader.u8();
    const bytes = reader.varBytes(MAX_ADDRV2_ADDRESS_LENGTH);
    const port = reader.u16be();
    const address = addressFromAddrV2(networkId, bytes, port);
    if (address && port !== 0) entries.push({ time, services, address });
    else skipped += 1;
  }
  return { entries, skipped };
}

// ---- dispatch ----

/** Decodes a frame's payload by command; unknown commands are reported as 'other' and otherwise ignored. */
export function decodeMessage(frame: Frame): P2PMessage {
  switch (frame.command) {
    case 'version':
      return { command: 'version', version: decodeVersion(frame.payload) };
    case 'verack':
      return { command: 'verack' };
    case 'ping':
      // Pre-BIP31 pings carry no nonce.
      return { command: 'ping', nonce: frame.payload.length >= 8 ? decodeNonce(frame.payload) : null };
    case 'pong':
      return { command: 'pong', nonce: decodeNonce(frame.payload) };
    case 'getaddr':
      return { command: 'getaddr' };
    case 'sendaddrv2':
      return { command: 'sendaddrv2' };
    case 'addr':
      return { command: 'addr', result: decodeAddr(frame.payload) };
    case 'addrv2':
      return { command: 'addrv2', result: decodeAddrV2(frame.payload) };
    default:
      return { command: 'other', name: frame.command, length: frame.payload.length };
  }
}
