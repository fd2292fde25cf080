/**
 * One simulated peer: a TCP listener that speaks the real protocol through
 * lib/p2p's codec, with a behaviour (good, slow or one of the hostile ones).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { PeerAddress } from '@/lib/crawler/types';
import { encodeCompactSize } from '@/lib/p2p/bytes';
import { encodeHeaders, encodeInv, INV_TYPE } from '@/lib/p2p/announcements';
import { encodeFrame, FrameDecoder, HEADER_LENGTH } from '@/lib/p2p/frame';
import type { Announcer } from './announcer';
import { decodeMessage, encodeAddr, encodeAddrV2, encodeNonce, encodeVersion, MAX_ADDR_ENTRIES, type AddrEntry } from '@/lib/p2p/messages';
import { createRng } from './random';

export type HostileBehaviour = 'garbage' | 'bad-checksum' | 'bad-magic' | 'oversized' | 'slowloris' | 'silent' | 'addr-flood';
/**
 * Peers that complete the handshake and then test the crawler's gossip and
 * record discipline (not assigned by startSimulatedNetwork; tests start them):
 * a NUL in the user agent, an addr flood of non-public addresses, an addr of
 * 1001 entries, an addr count of 2^32-1, the getaddr answer spread over
 * several messages, entries with stale or future timestamps, a protocol
 * version below every chain's minimum.
 */
export type GossipTestBehaviour = 'nul-agent' | 'bogon-flood' | 'oversized-addr' | 'count-bomb' | 'multi-message-addr' | 'stale-addr' | 'old-version';
export const GOSSIP_TEST_BEHAVIOURS: readonly GossipTestBehaviour[] = ['nul-agent', 'bogon-flood', 'oversized-addr', 'count-bomb', 'multi-message-addr', 'stale-addr', 'old-version'];
/**
 * Peers for the reachability tests (not assigned by startSimulatedNetwork; tests start
 * them): 'hangup' accepts the TCP connection and closes it at once, without a byte.
 * With 'silent' (accepts TCP, never answers the version) it is "reachable", not up.
 */
export type ReachabilityTestBehaviour = 'hangup';
export const REACHABILITY_TEST_BEHAVIOURS: readonly ReachabilityTestBehaviour[] = ['hangup'];
export type PeerBehaviour = 'good' | 'slow' | 'gone' | HostileBehaviour | GossipTestBehaviour | ReachabilityTestBehaviour;
export const HOSTILE_BEHAVIOURS: readonly HostileBehaviour[] = ['garbage', 'bad-checksum', 'bad-magic', 'oversized', 'slowloris', 'silent', 'addr-flood'];

export interface PeerProfile {
  behaviour: PeerBehaviour;
  userAgent: string;
  protocolVersion: number;
  services: bigint;
  startHeight: number;
  /** Response delay for slow peers. */
  delayMs: number;
  /** Sends a one-entry self-announcement addr right after the handshake, as real nodes often do. */
  announcesSelf: boolean;
  seed: number;
}

export interface PeerServerContext {
  magic: Buffer;
  supportsAddrV2: boolean;
  /** Addresses this peer answers getaddr with (already including onion extras). */
  gossip: () => PeerAddress[];
  self: PeerAddress;
  /** New blocks and transactions to relay (good and slow peers), each after relayDelayMs(). */
  announcer?: Announcer;
  relayDelayMs?: () => number;
}

const FLOOD_MESSAGES = 30;

function entriesFor(addresses: PeerAddress[], rng: ReturnType<typeof createRng>): AddrEntry[] {
  const now = Math.floor(Date.now() / 1000);
  return addresses.map((address) => ({ time: now - rng.int(0, 3 * 3600), services: 0x409n, address }));
}

/** Serves one connection according to the profile. Returns a cleanup function. */
function serveConnection(socket: Socket, profile: PeerProfile, context: PeerServerContext): void {
  const rng = createRng(profile.seed);
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!socket.destroyed) fn();
    }, ms);
    timers.add(timer);
  };
  socket.on('close', () => timers.forEach(clearTimeout));
  socket.on('error', () => socket.destroy());
  socket.setNoDelay(true);
  const write = (bytes: Buffer) => {
    if (!socket.destroyed) socket.write(bytes);
  };
  const send = (command: string, payload?: Buffer) => write(encodeFrame(context.magic, command, payload));
  const delay = profile.behaviour === 'slow' ? profile.delayMs : 0;
  const respond = (fn: () => void) => (delay > 0 ? later(delay, fn) : fn());

  if (profile.behaviour === 'silent') return;
  if (profile.behaviour === 'hangup') {
    socket.end();
    return;
  }
  if (profile.behaviour === 'garbage') {
    write(rng.bytes(rng.int(64, 512)));
    return;
  }

  const versionPayload = () =>
    encodeVersion({
      protocolVersion: profile.behaviour === 'old-version' ? 60_000 : profile.protocolVersion,
      services: profile.services,
      receiver: null,
      sender: null,
      userAgent: profile.behaviour === 'nul-agent' ? '/Evil\u0000Core:1.0/' : profile.userAgent,
      startHeight: profile.startHeight,
      relay: true,
    });

  let wantsAddrV2 = false;
  let versionSent = false;
  let wantsHeaders = false;
  let wantsTx = false;
  let unsubscribe: (() => void) | null = null;
  socket.on('close', () => unsubscribe?.());
  const relayAnnouncements = () => {
    if (!context.announcer || unsubscribe || (profile.behaviour !== 'good' && profile.behaviour !== 'slow')) return;
    unsubscribe = context.announcer.subscribe((announcement) => {
      if (announcement.kind === 'tx' && !wantsTx) return;
      const frame =
        announcement.kind === 'block'
          ? wantsHeaders
            ? encodeFrame(context.magic, 'headers', encodeHeaders([announcement.header]))
            : encodeFrame(context.magic, 'inv', encodeInv([{ type: INV_TYPE.block, hash: announcement.hash }]))
          : encodeFrame(context.magic, 'inv', encodeInv([{ type: INV_TYPE.tx, hash: announcement.hash }]));
      const wait = delay + (context.relayDelayMs?.() ?? 0);
      if (wait > 0) later(wait, () => write(frame));
      else write(frame);
    });
  };
  const decoder = new FrameDecoder({ magic: context.magic, maxPayloadBytes: 64 * 1024 });
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
        wantsHeaders = true;
        continue;
      }
      let message;
      try {
        message = decodeMessage(frame);
      } catch {
        socket.destroy();
        return;
      }
      switch (message.command) {
        case 'version':
          if (versionSent) break;
          versionSent = true;
          wantsTx = message.version.relay;
          respondToVersion();
          break;
        case 'sendaddrv2':
          wantsAddrV2 = true;
          break;
        case 'verack':
          relayAnnouncements();
          if (profile.announcesSelf && (profile.behaviour === 'good' || profile.behaviour === 'slow')) {
            respond(() => sendAddresses([context.self]));
          }
          break;
        case 'ping':
          if (message.nonce !== null) {
            const nonce = message.nonce;
            respond(() => send('pong', encodeNonce(nonce)));
          }
          break;
        case 'getaddr':
          if (profile.behaviour === 'addr-flood') flood(0);
          else if (!answerGossipTest()) respond(() => sendAddresses(context.gossip()));
          break;
        default:
          break;
      }
    }
  });

  function sendAddresses(addresses: PeerAddress[]) {
    const useV2 = wantsAddrV2 && context.supportsAddrV2;
    const usable = useV2 ? addresses : addresses.filter((address) => address.network === 'ipv4' || address.network === 'ipv6');
    for (let offset = 0; offset < usable.length || offset === 0; offset += MAX_ADDR_ENTRIES) {
      const entries = entriesFor(usable.slice(offset, offset + MAX_ADDR_ENTRIES), rng);
      send(useV2 ? 'addrv2' : 'addr', useV2 ? encodeAddrV2(entries) : encodeAddr(entries));
    }
  }

  /** The getaddr answers of the gossip-test behaviours; false for every other behaviour. */
  function answerGossipTest(): boolean {
    const now = Math.floor(Date.now() / 1000);
    switch (profile.behaviour) {
      case 'bogon-flood': {
        const bogons = ['192.0.2.', '198.51.100.', '203.0.113.', '10.0.0.', '169.254.169.', '100.64.0.', '127.0.0.', '0.0.0.', '224.0.0.', '198.18.0.'];
        const junk: PeerAddress[] = [];
        for (let index = 0; index < MAX_ADDR_ENTRIES; index += 1) {
          junk.push({ host: `${bogons[index % bogons.length]}${1 + (index % 250)}`, port: index % 7 === 0 ? 5432 : 8333, network: 'ipv4' });
        }
        junk[0] = { host: '169.254.169.254', port: 80, network: 'ipv4' };
        send('addr', encodeAddr(entriesFor(junk, rng)));
        return true;
      }
      case 'oversized-addr': {
        const one = encodeAddr(entriesFor([context.gossip()[0] ?? context.self], rng)).subarray(1);
        send('addr', Buffer.concat([encodeCompactSize(MAX_ADDR_ENTRIES + 1), ...new Array<Buffer>(MAX_ADDR_ENTRIES + 1).fill(one)]));
        return true;
      }
      case 'count-bomb':
        send('addr', Buffer.concat([encodeCompactSize(0xffffffff), rng.bytes(30)]));
        return true;
      case 'multi-message-addr': {
        const gossip = context.gossip();
        gossip.forEach((address, index) => later(40 * index, () => send('addr', encodeAddr(entriesFor([address], rng)))));
        return true;
      }
      case 'stale-addr': {
        const gossip = context.gossip();
        const entries: AddrEntry[] = gossip.map((address, index) => ({
          time: index % 2 === 0 ? now - 30 * 86_400 : now + 86_400,
          services: 0x409n,
          address,
        }));
        send('addr', encodeAddr(entries));
        return true;
      }
      default:
        return false;
    }
  }

  function flood(round: number) {
    if (round >= FLOOD_MESSAGES || socket.destroyed) return;
    const junk: PeerAddress[] = [];
    for (let index = 0; index < MAX_ADDR_ENTRIES; index += 1) {
      // 100.64.0.0/10 (shared address space): never a simulated peer.
      junk.push({ host: `100.${rng.int(64, 128)}.${rng.int(0, 256)}.${rng.int(1, 255)}`, port: rng.int(1024, 65536), network: 'ipv4' });
    }
    send('addr', encodeAddr(entriesFor(junk, rng)));
    setImmediate(() => flood(round + 1));
  }

  function respondToVersion() {
    switch (profile.behaviour) {
      case 'bad-checksum': {
        const frame = Buffer.from(encodeFrame(context.magic, 'version', versionPayload()));
        frame[20]! ^= 0xff;
        write(frame);
        return;
      }
      case 'bad-magic': {
        const wrong = Buffer.from(context.magic.map((byte) => byte ^ 0x5a));
        write(encodeFrame(wrong, 'version', versionPayload()));
        return;
      }
      case 'oversized': {
        const header = Buffer.from(encodeFrame(context.magic, 'addr').subarray(0, HEADER_LENGTH));
        header.writeUInt32LE(0x7fffffff, 16);
        write(Buffer.concat([header, encodeCompactSize(MAX_ADDR_ENTRIES), rng.bytes(64)]));
        return;
      }
      case 'slowloris': {
        const bytes = encodeFrame(context.magic, 'version', versionPayload());
        const drip = (offset: number) => {
          if (offset >= bytes.length) return;
          write(bytes.subarray(offset, offset + 1));
          later(150, () => drip(offset + 1));
        };
        drip(0);
        return;
      }
      default:
        respond(() => {
          send('version', versionPayload());
          if (context.supportsAddrV2 && profile.protocolVersion >= 70016) send('sendaddrv2');
          send('verack');
        });
    }
  }
}

export interface RunningPeerServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export function startPeerServer(host: string, port: number, profile: PeerProfile, context: PeerServerContext): Promise<RunningPeerServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    connections += 1;
    serveConnection(socket, { ...profile, seed: profile.seed + connections }, context);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, backlog: 64 }, () => {
      server.removeListener('error', reject);
      server.on('error', () => undefined);
      const address = server.address();
      resolve({
        server,
        port: typeof address === 'object' && address ? address.port : port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
