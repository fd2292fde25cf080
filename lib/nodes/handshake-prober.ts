import { createHash, randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import type { PeerAddress, ProbeResult } from '../crawler/types';
import type { NodeProber } from './prober';

/**
 * A minimal version/verack handshake prober used by registration and admin checks until
 * the P2P layer's probePeer is registered with setNodeProber(). It connects, sends
 * `version`, answers the peer's `version` with `verack`, and succeeds when it has both the
 * peer's version and verack. No addr gossip, no ping.
 */
export interface HandshakeOptions {
  /** Network magic (pchMessageStart), 4 bytes. */
  magic: Buffer;
  protocolVersion: number;
  timeoutMs: number;
  userAgent?: string;
}

/** Mainnet magic and protocol version per ticker; other chains set PEERSCOPE_P2P_MAGIC (8 hex digits). */
export const HANDSHAKE_CHAINS: Record<string, { magic: string; protocolVersion: number }> = {
  btc: { magic: 'f9beb4d9', protocolVersion: 70016 },
  tbtc: { magic: '0b110907', protocolVersion: 70016 },
  doge: { magic: 'c0c0c0c0', protocolVersion: 70015 },
  ltc: { magic: 'fbc0b6db', protocolVersion: 70016 },
};

const HEADER = 24;
const MAX_PAYLOAD = 1024 * 1024;

const sha256d = (data: Buffer) => createHash('sha256').update(createHash('sha256').update(data).digest()).digest();

export function encodeMessage(magic: Buffer, command: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER);
  magic.copy(header, 0);
  header.write(command, 4, 12, 'ascii');
  header.writeUInt32LE(payload.length, 16);
  sha256d(payload).copy(header, 20, 0, 4);
  return Buffer.concat([header, payload]);
}

function netAddress(): Buffer {
  // services (8) + IPv6-mapped address (16) + port (2, big-endian): all zero is accepted.
  return Buffer.alloc(26);
}

function varString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length >= 0xfd) throw new Error('user agent too long');
  return Buffer.concat([Buffer.of(bytes.length), bytes]);
}

export function versionPayload(protocolVersion: number, userAgent: string, now = Date.now()): Buffer {
  const head = Buffer.alloc(20);
  head.writeInt32LE(protocolVersion, 0);
  head.writeBigUInt64LE(0n, 4); // services: none
  head.writeBigInt64LE(BigInt(Math.floor(now / 1000)), 12);
  const tail = Buffer.alloc(5);
  tail.writeInt32LE(0, 0); // start height
  tail.writeUInt8(0, 4); // relay: false
  return Buffer.concat([head, netAddress(), netAddress(), randomBytes(8), varString(userAgent), tail]);
}

export function parseVersion(payload: Buffer): NonNullable<ProbeResult['version']> {
  let offset = 0;
  const protocolVersion = payload.readInt32LE(offset);
  offset += 4;
  const services = payload.readBigUInt64LE(offset);
  offset += 8;
  const timestamp = Number(payload.readBigInt64LE(offset));
  offset += 8 + 26 + 26 + 8;
  let length = payload.readUInt8(offset);
  offset += 1;
  if (length === 0xfd) {
    length = payload.readUInt16LE(offset);
    offset += 2;
  } else if (length > 0xfd) {
    throw new Error('user agent too long');
  }
  const userAgent = payload.subarray(offset, offset + length).toString('utf8');
  offset += length;
  const startHeight = offset + 4 <= payload.length ? payload.readInt32LE(offset) : 0;
  offset += 4;
  const relay = offset < payload.length ? payload.readUInt8(offset) !== 0 : true;
  return { protocolVersion, services, userAgent, startHeight, relay, timestamp };
}

export function handshakeProbe(address: PeerAddress, options: HandshakeOptions): Promise<ProbeResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = new Socket();
    let buffer = Buffer.alloc(0);
    let version: ProbeResult['version'];
    let gotVerack = false;
    let settled = false;
    const finish = (ok: boolean, error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({
        address,
        checkedAt: new Date(),
        ok,
        ...(ok ? { latencyMs: Date.now() - started, version } : { error }),
        learned: [],
      });
    };
    const timer = setTimeout(() => finish(false, `timeout: ${version ? 'verack' : socket.connecting ? 'connect' : 'version'}`), options.timeoutMs);
    socket.on('error', (error: NodeJS.ErrnoException) => finish(false, error.code ?? error.message));
    socket.on('close', () => finish(false, 'connection closed'));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= HEADER) {
        if (!buffer.subarray(0, 4).equals(options.magic)) return finish(false, 'bad magic');
        const length = buffer.readUInt32LE(16);
        if (length > MAX_PAYLOAD) return finish(false, 'oversized message');
        if (buffer.length < HEADER + length) return;
        const command = buffer.subarray(4, 16).toString('ascii').replace(/\0+$/, '');
        const payload = buffer.subarray(HEADER, HEADER + length);
        if (!sha256d(payload).subarray(0, 4).equals(buffer.subarray(20, 24))) return finish(false, 'bad checksum');
        buffer = buffer.subarray(HEADER + length);
        if (command === 'version') {
          try {
            version = parseVersion(payload);
          } catch {
            return finish(false, 'malformed version');
          }
          socket.write(encodeMessage(options.magic, 'verack', Buffer.alloc(0)));
        } else if (command === 'verack') {
          gotVerack = true;
        }
        if (version && gotVerack) return finish(true);
      }
    });
    socket.connect({ host: address.host, port: address.port }, () => {
      socket.write(encodeMessage(options.magic, 'version', versionPayload(options.protocolVersion, options.userAgent ?? '/Peerscope:0.1.0/')));
    });
  });
}

/** The fallback prober for the configured chain (CHAIN_TICKER, PEERSCOPE_P2P_MAGIC), or undefined when the chain is unknown. */
export function handshakeProberFromEnv(ticker: string, env: Record<string, string | undefined> = process.env): NodeProber | undefined {
  const preset = HANDSHAKE_CHAINS[ticker];
  const magicHex = env.PEERSCOPE_P2P_MAGIC && /^[0-9a-fA-F]{8}$/.test(env.PEERSCOPE_P2P_MAGIC) ? env.PEERSCOPE_P2P_MAGIC : preset?.magic;
  if (!magicHex) return undefined;
  const timeout = Number(env.REGISTRATION_PROBE_TIMEOUT_MS ?? 10_000);
  const options: HandshakeOptions = {
    magic: Buffer.from(magicHex, 'hex'),
    protocolVersion: preset?.protocolVersion ?? 70015,
    timeoutMs: Number.isFinite(timeout) && timeout >= 500 && timeout <= 60_000 ? timeout : 10_000,
  };
  return (address) => handshakeProbe(address, options);
}
