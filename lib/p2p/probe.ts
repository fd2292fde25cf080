/**
 * One probe of one peer: dial, version/verack handshake (with sendaddrv2
 * when the chain supports it), a ping round trip and, unless the caller
 * says the peer's answer is still cached, getaddr: addr/addrv2 messages are
 * collected until `addrQuietMs` pass without a new one (at most
 * addrWindowMs), then close. Gossip discipline: a message with more than
 * 1000 entries is ignored (and noted on the result), entries outside the
 * freshness window are dropped, at most maxLearned addresses are kept.
 * A peer below the chain's minimum protocol version is recorded (version
 * kept) but not ok. Never throws; the socket is
 * always destroyed; every wait has a timeout; memory per probe is bounded
 * by maxPayloadBytes (frame buffer) and maxLearned (addresses kept).
 *
 * ProbeResult.tcpConnected says whether the TCP connection was accepted (false when
 * the dial failed, was refused or timed out, or the probe was aborted before it).
 * ProbeResult.ok is true once the handshake completed. A failure after the
 * handshake (e.g. garbage instead of addr) keeps ok=true and sets error.
 * latencyMs runs from the start of the dial until verack is received.
 */
import type { Socket } from 'node:net';
import type { CrawlerTimeouts } from '../chains/config';
import type { ChainPreset } from '../chains/presets';
import { addressKey, type PeerAddress, type PeerVersion, type ProbeResult } from '../crawler/types';
import { directDialer, type Dialer } from './dialer';
import { ProtocolError } from './errors';
import { encodeFrame, FrameDecoder, magicBytes, type Frame } from './frame';
import { isFreshEntry } from './gossip-policy';
import {
  ADDRV2_MIN_PROTOCOL_VERSION,
  decodeMessage,
  encodeNonce,
  encodeVersion,
  randomNonce,
  type AddrDecodeResult,
  type VersionMessage,
} from './messages';

export type ProbeChain = Pick<ChainPreset, 'magic' | 'protocolVersion' | 'userAgent' | 'supportsAddrV2'>;

export interface ProbeOptions {
  chain: ProbeChain;
  dialer?: Dialer;
  timeouts?: Partial<CrawlerTimeouts>;
  /** Addresses kept from this peer (default 1000). */
  maxLearned?: number;
  /** Largest payload accepted (default 512 KiB; the protocol maximum is 4 MB). */
  maxPayloadBytes?: number;
  /** Start height we announce (0 is fine for a crawler). */
  startHeight?: number;
  signal?: AbortSignal;
  /** Send getaddr and collect the answer (default true); false for a handshake-only probe. */
  getaddr?: boolean;
  /** How long without a new addr message ends the collection (default 500 ms). */
  addrQuietMs?: number;
  /** Gossiped entries older than this or further in the future are dropped (defaults 3 days, 10 min). */
  addrMaxAgeSeconds?: number;
  addrMaxFutureSeconds?: number;
  /** The lowest protocol version that counts as up for a peer at this height (default: no minimum). */
  minPeerVersion?: (startHeight: number) => number;
}

export const DEFAULT_ADDR_QUIET_MS = 500;
export const DEFAULT_ADDR_MAX_AGE_SECONDS = 3 * 86_400;
export const DEFAULT_ADDR_MAX_FUTURE_SECONDS = 600;

export const DEFAULT_PROBE_TIMEOUTS: CrawlerTimeouts = { connectMs: 5000, handshakeMs: 10_000, pingMs: 5000, addrWindowMs: 8000, totalMs: 30_000 };
const DEFAULT_MAX_LEARNED = 1000;
const DEFAULT_MAX_PAYLOAD = 512 * 1024;

function dialErrorString(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && code) return code;
  return error instanceof Error ? error.message : String(error);
}

function toPeerVersion(version: VersionMessage): PeerVersion {
  return {
    protocolVersion: version.protocolVersion,
    services: version.services,
    userAgent: version.userAgent,
    startHeight: version.startHeight,
    relay: version.relay,
    timestamp: version.timestamp,
  };
}

export async function probePeer(address: PeerAddress, options: ProbeOptions): Promise<ProbeResult> {
  const timeouts = { ...DEFAULT_PROBE_TIMEOUTS, ...options.timeouts };
  const result: ProbeResult = { address, checkedAt: new Date(), ok: false, tcpConnected: false, learned: [] };
  const outer = options.signal;
  if (outer?.aborted) return { ...result, error: 'aborted' };

  const dialStarted = performance.now();
  const totalDeadline = dialStarted + timeouts.totalMs;

  // ---- connect ----
  const connectController = new AbortController();
  let connectFailure = '';
  const connectTimer = setTimeout(() => {
    connectFailure = 'timeout: connect';
    connectController.abort();
  }, Math.min(timeouts.connectMs, timeouts.totalMs));
  const onOuterAbortDuringConnect = () => {
    connectFailure = 'aborted';
    connectController.abort();
  };
  outer?.addEventListener('abort', onOuterAbortDuringConnect, { once: true });
  let socket: Socket;
  try {
    socket = await (options.dialer ?? directDialer)(address, connectController.signal);
  } catch (error) {
    return { ...result, error: connectFailure || dialErrorString(error) };
  } finally {
    clearTimeout(connectTimer);
    outer?.removeEventListener('abort', onOuterAbortDuringConnect);
  }
  if (connectFailure) {
    // A dialer that resolved despite the abort.
    socket.destroy();
    return { ...result, error: connectFailure };
  }
  result.tcpConnected = true;

  return new Promise<ProbeResult>((resolve) => {
    const magic = magicBytes(options.chain.magic);
    const decoder = new FrameDecoder({ magic, maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD });
    const maxLearned = options.maxLearned ?? DEFAULT_MAX_LEARNED;
    const learned = new Map<string, PeerAddress>();
    const timers = new Set<NodeJS.Timeout>();
    let settled = false;
    let theirVersion: VersionMessage | null = null;
    let gotVerack = false;
    let handshakeDone = false;
    let pingNonce: bigint | null = null;
    let pingSentAt = 0;
    let pingSettled = false;
    const wantsAddresses = options.getaddr ?? true;
    let addrSettled = !wantsAddresses;
    let addrQuietTimer: NodeJS.Timeout | null = null;
    const notes: string[] = [];
    const freshness = {
      maxAgeSeconds: options.addrMaxAgeSeconds ?? DEFAULT_ADDR_MAX_AGE_SECONDS,
      maxFutureSeconds: options.addrMaxFutureSeconds ?? DEFAULT_ADDR_MAX_FUTURE_SECONDS,
    };

    const schedule = (ms: number, fn: () => void) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, Math.max(0, ms));
      timers.add(timer);
      return timer;
    };
    const cancel = (timer: NodeJS.Timeout | null) => {
      if (timer) {
        clearTimeout(timer);
        timers.delete(timer);
      }
    };

    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      outer?.removeEventListener('abort', onAbort);
      socket.removeListener('data', onData);
      socket.on('error', () => undefined);
      socket.destroy();
      result.learned = [...learned.values()];
      if (!handshakeDone && !error) error = 'closed before handshake';
      const said = [...notes, ...(error ? [error] : [])];
      if (said.length) result.error = said.join('; ');
      resolve(result);
    };

    const send = (command: string, payload?: Buffer) => {
      if (!socket.destroyed && socket.writable) socket.write(encodeFrame(magic, command, payload));
    };

    const maybeFinishAfterHandshake = () => {
      if (handshakeDone && pingSettled && addrSettled) finish();
    };

    const onHandshakeDone = () => {
      handshakeDone = true;
      result.latencyMs = Math.round((performance.now() - dialStarted) * 100) / 100;
      cancel(handshakeTimer);
      const minimum = options.minPeerVersion?.(theirVersion?.startHeight ?? 0) ?? 0;
      if (theirVersion && theirVersion.protocolVersion < minimum) {
        // Recorded with what it said, but not counted as up; nothing more to ask it.
        finish(`protocol version ${theirVersion.protocolVersion} below the chain's minimum ${minimum}`);
        return;
      }
      result.ok = true;
      pingNonce = randomNonce();
      pingSentAt = performance.now();
      send('ping', encodeNonce(pingNonce));
      schedule(timeouts.pingMs, () => {
        pingSettled = true;
        maybeFinishAfterHandshake();
      });
      if (!wantsAddresses) return;
      send('getaddr');
      schedule(timeouts.addrWindowMs, () => {
        addrSettled = true;
        maybeFinishAfterHandshake();
      });
    };

    const settleAddresses = () => {
      addrSettled = true;
      maybeFinishAfterHandshake();
    };

    const collect = ({ entries }: AddrDecodeResult) => {
      const now = Math.floor(Date.now() / 1000);
      for (const entry of entries) {
        if (learned.size >= maxLearned) break;
        if (!isFreshEntry(entry, { now, ...freshness })) continue;
        const key = addressKey(entry.address);
        if (!learned.has(key)) learned.set(key, entry.address);
      }
      addrMessageArrived();
    };

    /** The answer to getaddr may come in several messages (and after a one-entry self-announcement): collect until a short quiet period passes without a new one. */
    const addrMessageArrived = () => {
      if (!wantsAddresses || addrSettled) return;
      if (learned.size >= maxLearned) {
        settleAddresses();
        return;
      }
      cancel(addrQuietTimer);
      addrQuietTimer = schedule(options.addrQuietMs ?? DEFAULT_ADDR_QUIET_MS, settleAddresses);
    };

    /** addr/addrv2 decoding: a message over the 1000-entry limit is ignored and noted, other damage ends the probe. */
    const decodeGossip = (frame: Frame) => {
      try {
        return decodeMessage(frame);
      } catch (error) {
        if (error instanceof ProtocolError && error.code === 'too-many-entries') {
          if (notes.length < 4) notes.push(`protocol: ${frame.command} ignored: ${error.message}`);
          addrMessageArrived();
          return null;
        }
        throw error;
      }
    };

    const handleFrame = (frame: Frame) => {
      // Once we have what we want from addr gossip, skip decoding further floods.
      const gossip = frame.command === 'addr' || frame.command === 'addrv2';
      if (gossip && (learned.size >= maxLearned || !handshakeDone || addrSettled)) return;
      const message = gossip ? decodeGossip(frame) : decodeMessage(frame);
      if (!message) return;
      switch (message.command) {
        case 'version':
          if (theirVersion) return;
          theirVersion = message.version;
          result.version = toPeerVersion(message.version);
          if (options.chain.supportsAddrV2 && message.version.protocolVersion >= ADDRV2_MIN_PROTOCOL_VERSION) send('sendaddrv2');
          send('verack');
          if (gotVerack) onHandshakeDone();
          return;
        case 'verack':
          if (gotVerack) return;
          gotVerack = true;
          if (theirVersion) onHandshakeDone();
          return;
        case 'ping':
          if (message.nonce !== null) send('pong', encodeNonce(message.nonce));
          return;
        case 'pong':
          if (pingNonce !== null && message.nonce === pingNonce && !pingSettled) {
            result.pingMs = Math.round((performance.now() - pingSentAt) * 100) / 100;
            pingSettled = true;
            maybeFinishAfterHandshake();
          }
          return;
        case 'addr':
        case 'addrv2':
          collect(message.result);
          return;
        default:
          return; // getaddr, sendaddrv2, inv, feefilter, sendcmpct, ...: nothing to do.
      }
    };

    const onData = (chunk: Buffer) => {
      if (settled) return;
      try {
        for (const frame of decoder.push(chunk)) {
          handleFrame(frame);
          if (settled) return;
        }
      } catch (error) {
        // The class only: details carry the peer's bytes, which end up in front of users.
        finish(error instanceof ProtocolError ? `protocol: ${error.summary}` : `internal: ${(error as Error)?.name ?? 'error'}`);
      }
    };
    const onAbort = () => finish(handshakeDone ? undefined : 'aborted');

    socket.on('data', onData);
    socket.on('error', (error) => finish(handshakeDone ? undefined : dialErrorString(error)));
    socket.on('close', () => finish(handshakeDone ? undefined : theirVersion ? 'closed during handshake' : 'closed before handshake'));
    outer?.addEventListener('abort', onAbort, { once: true });
    socket.setNoDelay(true);

    const handshakeTimer = schedule(Math.min(timeouts.handshakeMs, totalDeadline - performance.now()), () => finish('timeout: handshake'));
    schedule(totalDeadline - performance.now(), () => finish(handshakeDone ? undefined : 'timeout: total'));

    send(
      'version',
      encodeVersion({
        protocolVersion: options.chain.protocolVersion,
        services: 0n,
        receiver: address.network === 'onion' || address.network === 'i2p' ? null : address,
        userAgent: options.chain.userAgent,
        startHeight: options.startHeight ?? 0,
        relay: false,
      }),
    );
  });
}
