/**
 * Simulated peers for the monitor: each keeps its connections open, answers
 * pings after a configurable delay, announces new blocks over time (headers
 * after `sendheaders`, otherwise inv) and goes away and comes back on a
 * schedule (or on demand). With `spreadMs`, each peer relays a block or a
 * transaction after its own random delay (an exponential draw around
 * spreadMs, plus a per-peer distance), as announcements spread over a real
 * network; transactions go only to connections whose version asked for relay
 * (BIP37 `relay`). Loopback only (127.<octet>.x.y), real protocol
 * through lib/p2p's codec. Additive to the crawl simulator in network.ts.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { CHAIN_PRESETS, type ChainPreset } from '@/lib/chains/presets';
import type { PeerAddress } from '@/lib/crawler/types';
import { blockHash, encodeBlockHeader, encodeHeaders, encodeInv, INV_TYPE, type HeaderFields } from '@/lib/p2p/announcements';
import { encodeFrame, FrameDecoder, magicBytes } from '@/lib/p2p/frame';
import { decodeMessage, encodeNonce, encodeVersion } from '@/lib/p2p/messages';
import { createRng } from './random';

export interface LivePeerSchedule {
  /** Up this long … */
  upMs: number;
  /** … then gone (listener closed, connections reset) this long, repeating. */
  downMs: number;
}

export interface LiveNetworkOptions {
  peers: number;
  chain?: ChainPreset;
  /** Pong delay per peer: a number, or a function of the peer index. Default 0. */
  pingDelayMs?: number | ((index: number) => number);
  /** A new block every this many ms (0: only on mineBlock()). Default 0. */
  blockIntervalMs?: number;
  startHeight?: number;
  /** Drop/return schedule per peer index (null: always up). */
  schedule?: (index: number) => LivePeerSchedule | null;
  /** Peers (by index) that never announce new blocks, so they fall behind. */
  stuck?: (index: number) => boolean;
  userAgent?: (index: number) => string;
  /** Second octet of the 127/8 range used. Default 150. */
  loopbackOctet?: number;
  /** Listen port of every peer (each peer has its own IP). Default 0: OS-assigned. */
  port?: number;
  /** Mean random delay before a peer relays a block or transaction (ms). Default 0: at once. */
  spreadMs?: number;
  /** New random transactions per second, announced by inv (0: only on broadcastTx()). Default 0. */
  txPerSecond?: number;
  /** Seed of the delays (reproducible runs). Default 1. */
  seed?: number;
}

export interface LivePeer {
  index: number;
  address: PeerAddress;
  readonly up: boolean;
  readonly connections: number;
  /** Resets every connection and stops listening for `ms` (forever when omitted). */
  goDown(ms?: number): Promise<void>;
  /** Listens again. */
  comeBack(): Promise<void>;
  /** Resets every connection but keeps listening (a single reset, not an outage). */
  reset(): void;
  /** Changes the user agent announced to new connections. */
  setUserAgent(userAgent: string): void;
}

export interface LiveNetwork {
  chain: ChainPreset;
  peers: LivePeer[];
  readonly height: number;
  mineBlock(): void;
  /** Announces a new transaction (a random hash, or the given 32 bytes in wire order); returns its display hash. */
  broadcastTx(hash?: Buffer): string;
  /** Display hash of the current tip. */
  readonly tipHash: string;
  stop(): Promise<void>;
}

interface Block {
  header: HeaderFields;
  hash: Buffer;
  height: number;
}

export function liveLoopbackHost(index: number, octet = 150): string {
  const perBlock = 254 * 254;
  return `127.${octet + Math.floor(index / perBlock)}.${1 + (Math.floor(index / 254) % 254)}.${1 + (index % 254)}`;
}

export async function startLiveNetwork(options: LiveNetworkOptions): Promise<LiveNetwork> {
  const chain = options.chain ?? CHAIN_PRESETS.bitcoin;
  const magic = magicBytes(chain.magic);
  let tip: Block = { header: { version: 4, prevHash: Buffer.alloc(32), merkleRoot: randomBytes(32), time: 0, bits: 0x207fffff, nonce: 0 }, hash: randomBytes(32), height: options.startHeight ?? 880_000 };
  const peers: PeerImpl[] = [];

  class PeerImpl implements LivePeer {
    readonly address: PeerAddress;
    server: Server | null = null;
    readonly sockets = new Set<Socket>();
    readonly headersWanted = new WeakSet<Socket>();
    readonly relayWanted = new WeakSet<Socket>();
    readonly pending = new Set<NodeJS.Timeout>();
    scheduleTimer: NodeJS.Timeout | null = null;
    stopped = false;
    userAgent: string;
    frozenHeight: number | null;

    constructor(
      readonly index: number,
      host: string,
      readonly pingDelayMs: number,
      readonly isStuck: boolean,
    ) {
      this.address = { host, port: options.port ?? 0, network: 'ipv4' };
      this.userAgent = options.userAgent?.(index) ?? '/Satoshi:28.1.0/';
      this.frozenHeight = isStuck ? tip.height : null;
    }

    get up() {
      return this.server !== null;
    }
    get connections() {
      return this.sockets.size;
    }

    listen(): Promise<void> {
      if (this.server || this.stopped) return Promise.resolve();
      const server = createServer((socket) => this.serve(socket));
      this.server = server;
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: this.address.host, port: this.address.port, backlog: 511 }, () => {
          server.removeListener('error', reject);
          server.on('error', () => undefined);
          const bound = server.address();
          if (bound && typeof bound === 'object') this.address.port = bound.port;
          resolve();
        });
      });
    }

    reset(): void {
      for (const socket of this.sockets) socket.resetAndDestroy();
      this.sockets.clear();
    }

    async goDown(ms?: number): Promise<void> {
      const server = this.server;
      this.server = null;
      this.reset();
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ms !== undefined) this.scheduleTimer = setTimeout(() => void this.comeBack(), ms);
    }

    async comeBack(): Promise<void> {
      if (this.scheduleTimer) clearTimeout(this.scheduleTimer);
      this.scheduleTimer = null;
      await this.listen();
    }

    setUserAgent(userAgent: string): void {
      this.userAgent = userAgent;
    }

    /** Runs `send` after this peer's relay delay (at once without spreadMs). */
    later(send: () => void): void {
      const delay = relayDelay(this.index);
      if (delay <= 0) return send();
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        send();
      }, delay);
      this.pending.add(timer);
    }

    announceTx(hash: Buffer): void {
      this.later(() => {
        for (const socket of this.sockets) {
          if (this.relayWanted.has(socket) && !socket.destroyed) socket.write(encodeFrame(magic, 'inv', encodeInv([{ type: INV_TYPE.tx, hash }])));
        }
      });
    }

    announce(block: Block): void {
      if (this.isStuck) return;
      this.later(() => this.announceNow(block));
    }

    announceNow(block: Block): void {
      for (const socket of this.sockets) {
        if (socket.destroyed) continue;
        const payload = this.headersWanted.has(socket)
          ? encodeFrame(magic, 'headers', encodeHeaders([block.header]))
          : encodeFrame(magic, 'inv', encodeInv([{ type: INV_TYPE.block, hash: block.hash }]));
        socket.write(payload);
      }
    }

    serve(socket: Socket): void {
      // A connection accepted while going down (the monitor redials at once) would keep server.close() waiting forever.
      if (this.server === null) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      const decoder = new FrameDecoder({ magic, maxPayloadBytes: 64 * 1024 });
      const send = (command: string, payload?: Buffer) => {
        if (!socket.destroyed) socket.write(encodeFrame(magic, command, payload));
      };
      let versionSent = false;
      socket.on('data', (chunk: Buffer) => {
        let frames;
        try {
          frames = decoder.push(chunk);
        } catch {
          socket.destroy();
          return;
        }
        for (const frame of frames) {
          if (frame.command === 'sendheaders') {
            this.headersWanted.add(socket);
            continue;
          }
          let message;
          try {
            message = decodeMessage(frame);
          } catch {
            socket.destroy();
            return;
          }
          if (message.command === 'version' && !versionSent) {
            versionSent = true;
            if (message.version.relay) this.relayWanted.add(socket);
            send('version', encodeVersion({ protocolVersion: chain.protocolVersion, services: 0x409n, userAgent: this.userAgent, startHeight: this.frozenHeight ?? tip.height, relay: true }));
            send('verack');
          } else if (message.command === 'ping' && message.nonce !== null) {
            const pong = encodeNonce(message.nonce);
            if (this.pingDelayMs > 0) setTimeout(() => send('pong', pong), this.pingDelayMs);
            else send('pong', pong);
          }
        }
      });
    }

    startSchedule(schedule: LivePeerSchedule): void {
      const cycle = () => {
        if (this.stopped) return;
        this.scheduleTimer = setTimeout(() => {
          void this.goDown().then(() => {
            if (this.stopped) return;
            this.scheduleTimer = setTimeout(() => void this.comeBack().then(cycle), schedule.downMs);
          });
        }, schedule.upMs);
      };
      cycle();
    }

    async stop(): Promise<void> {
      this.stopped = true;
      if (this.scheduleTimer) clearTimeout(this.scheduleTimer);
      for (const timer of this.pending) clearTimeout(timer);
      this.pending.clear();
      await this.goDown();
    }
  }

  const rng = createRng(options.seed ?? 1);
  const spread = options.spreadMs ?? 0;
  // Each peer sits at its own "distance" from the origin (0–spread), and each relay adds an exponential draw.
  const distances = Array.from({ length: options.peers }, () => rng.next() * spread);
  const relayDelay = (index: number) => (spread > 0 ? Math.round(distances[index]! - Math.log(1 - rng.next()) * (spread / 2)) : 0);
  const octet = options.loopbackOctet ?? 150;
  for (let index = 0; index < options.peers; index += 1) {
    const delay = typeof options.pingDelayMs === 'function' ? options.pingDelayMs(index) : (options.pingDelayMs ?? 0);
    peers.push(new PeerImpl(index, liveLoopbackHost(index, octet), delay, options.stuck?.(index) ?? false));
  }
  // Listen in slices so 20k listeners do not all start in one tick.
  for (let offset = 0; offset < peers.length; offset += 500) await Promise.all(peers.slice(offset, offset + 500).map((peer) => peer.listen()));
  for (const peer of peers) {
    const schedule = options.schedule?.(peer.index);
    if (schedule) peer.startSchedule(schedule);
  }

  const mineBlock = () => {
    const header: HeaderFields = { version: 4, prevHash: tip.hash, merkleRoot: randomBytes(32), time: Math.floor(Date.now() / 1000), bits: 0x207fffff, nonce: tip.height };
    tip = { header, hash: blockHash(encodeBlockHeader(header)), height: tip.height + 1 };
    for (const peer of peers) peer.announce(tip);
  };
  const blockTimer = options.blockIntervalMs ? setInterval(mineBlock, options.blockIntervalMs) : null;
  const broadcastTx = (hash: Buffer = randomBytes(32)) => {
    for (const peer of peers) if (peer.up) peer.announceTx(hash);
    return Buffer.from(hash).reverse().toString('hex');
  };
  const txTimer = options.txPerSecond ? setInterval(() => broadcastTx(), Math.max(1, Math.round(1000 / options.txPerSecond))) : null;

  return {
    chain,
    peers,
    get height() {
      return tip.height;
    },
    mineBlock,
    broadcastTx,
    get tipHash() {
      return Buffer.from(tip.hash).reverse().toString('hex');
    },
    async stop() {
      if (blockTimer) clearInterval(blockTimer);
      if (txTimer) clearInterval(txTimer);
      await Promise.all(peers.map((peer) => peer.stop()));
    },
  };
}
