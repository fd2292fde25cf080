/**
 * One persistent connection to a peer: dial, version/verack handshake,
 * `sendheaders`, answer pings, ping every `pingIntervalMs` and time the pong,
 * report block announcements (inv/headers). Speaks through lib/p2p's framing
 * and codecs only. Never throws: every failure ends the session with a
 * reason through onClosed (exactly once), and the socket is always destroyed.
 * Memory per session is bounded by maxPayloadBytes (one frame buffered).
 */
import type { Socket } from 'node:net';
import type { PeerAddress } from '../crawler/types';
import { decodeHeaders, decodeInv, displayHash, INV_TYPE, isBlockInv } from '../p2p/announcements';
import type { Dialer } from '../p2p/dialer';
import { ProtocolError } from '../p2p/errors';
import { encodeFrame, FrameDecoder, type Frame } from '../p2p/frame';
import { decodeMessage, encodeNonce, encodeVersion, randomNonce, type VersionMessage } from '../p2p/messages';
import type { ProbeChain } from '../p2p/probe';
import { isSampledTxWire } from '../propagation/sampling';
import type { InvSighting } from '../propagation/recorder';
import type { Announcement } from './heights';
import { ThroughputMeter } from './throughput';

export interface SessionTimeouts {
  connectMs: number;
  handshakeMs: number;
  /** A ping not answered within this ends the session. */
  pongMs: number;
}

export interface SessionOptions {
  chain: ProbeChain;
  magic: Buffer;
  dialer: Dialer;
  pingIntervalMs: number;
  timeouts: SessionTimeouts;
  maxPayloadBytes?: number;
  /**
   * Transaction invs whose 16-bit hash prefix is below this are reported through
   * onInv (lib/propagation/sampling); 0 (default) reports blocks only and asks the
   * peer not to relay transactions.
   */
  txSampleThreshold?: number;
}

export interface SessionHandlers {
  onConnected(version: VersionMessage): void;
  onRtt(rttMs: number): void;
  onAnnouncements(announcements: Announcement[]): void;
  /** Block invs/headers and sampled transaction invs, for data propagation. */
  onInv?(sightings: InvSighting[]): void;
  /** Mean receive rate in Mbit/s over the last 128 samples, after each pong. */
  onThroughput?(mbps: number): void;
  /** Called exactly once. `connected` says whether the handshake had completed. */
  onClosed(reason: string, connected: boolean): void;
}

export interface PeerSession {
  readonly connected: boolean;
  close(reason?: string): void;
}

const DEFAULT_MAX_PAYLOAD = 512 * 1024;

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && code) return code;
  return error instanceof Error ? error.message : String(error);
}

export function openSession(address: PeerAddress, options: SessionOptions, handlers: SessionHandlers): PeerSession {
  let socket: Socket | null = null;
  let closed = false;
  let connected = false;
  let timer: NodeJS.Timeout | null = null;
  let theirVersion: VersionMessage | null = null;
  let gotVerack = false;
  let pingNonce: bigint | null = null;
  let pingSentAt = 0;
  const controller = new AbortController();
  const txThreshold = options.txSampleThreshold ?? 0;
  let meter: ThroughputMeter | null = null;
  const decoder = new FrameDecoder({ magic: options.magic, maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD });

  const arm = (ms: number, fn: () => void) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };

  const finish = (reason: string) => {
    if (closed) return;
    closed = true;
    if (timer) clearTimeout(timer);
    timer = null;
    controller.abort();
    if (socket) {
      socket.removeAllListeners('data');
      socket.on('error', () => undefined);
      socket.destroy();
    }
    const wasConnected = connected;
    connected = false;
    handlers.onClosed(reason, wasConnected);
  };

  const send = (command: string, payload?: Buffer) => {
    if (socket && !socket.destroyed && socket.writable) socket.write(encodeFrame(options.magic, command, payload));
  };

  const schedulePing = () => arm(options.pingIntervalMs, sendPing);
  function sendPing() {
    pingNonce = randomNonce();
    pingSentAt = performance.now();
    send('ping', encodeNonce(pingNonce));
    arm(options.timeouts.pongMs, () => finish('timeout: pong'));
  }

  const onHandshake = (version: VersionMessage) => {
    connected = true;
    meter = new ThroughputMeter(performance.now());
    send('sendheaders');
    handlers.onConnected(version);
    if (!closed) sendPing(); // first RTT right away
  };

  const handleFrame = (frame: Frame) => {
    switch (frame.command) {
      case 'inv': {
        if (!connected) return;
        const entries = decodeInv(frame.payload);
        const blocks = entries.filter(isBlockInv);
        if (blocks.length) handlers.onAnnouncements(blocks.map((entry) => ({ hash: displayHash(entry.hash) })));
        if (handlers.onInv) {
          const sightings: InvSighting[] = blocks.map((entry) => ({ hash: displayHash(entry.hash), kind: 'block' }));
          if (txThreshold > 0) {
            for (const entry of entries) {
              if ((entry.type === INV_TYPE.tx || entry.type === INV_TYPE.witnessTx) && isSampledTxWire(entry.hash, txThreshold)) {
                sightings.push({ hash: displayHash(entry.hash), kind: 'tx' });
              }
            }
          }
          if (sightings.length) handlers.onInv(sightings);
        }
        return;
      }
      case 'headers': {
        if (!connected) return;
        const headers = decodeHeaders(frame.payload);
        if (headers.length) {
          handlers.onAnnouncements(headers.map((header) => ({ hash: displayHash(header.hash), prevHash: displayHash(header.prevHash) })));
          handlers.onInv?.(headers.map((header) => ({ hash: displayHash(header.hash), kind: 'block' })));
        }
        return;
      }
      case 'version':
      case 'verack':
      case 'ping':
      case 'pong':
        break;
      default:
        return; // addr, feefilter, sendcmpct, getheaders, …: a monitor has nothing to do with them.
    }
    const message = decodeMessage(frame);
    switch (message.command) {
      case 'version':
        if (theirVersion) return;
        theirVersion = message.version;
        send('verack');
        if (gotVerack) onHandshake(theirVersion);
        return;
      case 'verack':
        if (gotVerack) return;
        gotVerack = true;
        if (theirVersion) onHandshake(theirVersion);
        return;
      case 'ping':
        if (message.nonce !== null) send('pong', encodeNonce(message.nonce));
        return;
      case 'pong':
        if (pingNonce !== null && message.nonce === pingNonce) {
          pingNonce = null;
          handlers.onRtt(Math.round((performance.now() - pingSentAt) * 100) / 100);
          if (meter && handlers.onThroughput && !closed) {
            const mbps = meter.sample(performance.now());
            if (mbps !== null) handlers.onThroughput(mbps);
          }
          if (!closed) schedulePing();
        }
        return;
      default:
        return;
    }
  };

  const onData = (chunk: Buffer) => {
    if (closed) return;
    meter?.received(chunk.length);
    try {
      for (const frame of decoder.push(chunk)) {
        handleFrame(frame);
        if (closed) return;
      }
    } catch (error) {
      finish(error instanceof ProtocolError ? `protocol: ${error.summary}` : `internal: ${(error as Error)?.name ?? 'error'}`); // the class only: details carry the peer's bytes
    }
  };

  arm(options.timeouts.connectMs, () => finish('timeout: connect'));
  options.dialer(address, controller.signal).then(
    (opened) => {
      if (closed) {
        opened.destroy();
        return;
      }
      socket = opened;
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 60_000);
      socket.on('data', onData);
      socket.on('error', (error) => finish(errorCode(error)));
      socket.on('close', () => finish(connected ? 'closed by peer' : 'closed during handshake'));
      arm(options.timeouts.handshakeMs, () => finish('timeout: handshake'));
      send(
        'version',
        encodeVersion({
          protocolVersion: options.chain.protocolVersion,
          services: 0n,
          receiver: address.network === 'onion' || address.network === 'i2p' ? null : address,
          userAgent: options.chain.userAgent,
          startHeight: 0,
          relay: txThreshold > 0,
        }),
      );
    },
    (error) => finish(errorCode(error)),
  );

  return {
    get connected() {
      return connected;
    },
    close: (reason = 'closed by monitor') => finish(reason),
  };
}
