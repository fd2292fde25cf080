/**
 * One probe of one peer: dial, version/verack handshake (with sendaddrv2
 * when the chain supports it), a ping round trip, getaddr and a bounded
 * window collecting addr/addrv2, then close. Never throws; the socket is
 * always destroyed; every wait has a timeout; memory per probe is bounded
 * by maxPayloadBytes (frame buffer) and maxLearned (addresses kept).
 *
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
}

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
  const result: ProbeResult = { address, checkedAt: new Date(), ok: false, learned: [] };
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
    let addrSettled = false;

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
      if (error) result.error = error;
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
      result.ok = true;
      result.latencyMs = Math.round((performance.now() - dialStarted) * 100) / 100;
      cancel(handshakeTimer);
      pingNonce = randomNonce();
      pingSentAt = performance.now();
      send('ping', encodeNonce(pingNonce));
      send('getaddr');
      schedule(timeouts.pingMs, () => {
        pingSettled = true;
        maybeFinishAfterHandshake();
      });
      schedule(timeouts.addrWindowMs, () => {
        addrSettled = true;
        maybeFinishAfterHandshake();
      });
    };

    const collect = ({ entries }: AddrDecodeResult) => {
      for (const entry of entries) {
        if (learned.size >= maxLearned) break;
        const key = addressKey(entry.address);
        if (!learned.has(key)) learned.set(key, entry.address);
      }
      // A getaddr answer is a batch; a lone entry is usually the peer announcing itself.
      if (entries.length > 1 || learned.size >= maxLearned) {
        addrSettled = true;
        maybeFinishAfterHandshake();
      }
    };

    const handleFrame = (frame: Frame) => {
      // Once we have what we want from addr gossip, skip decoding further floods.
      if ((frame.command === 'addr' || frame.command === 'addrv2') && (learned.size >= maxLearned || !handshakeDone)) return;
      const message = decodeMessage(frame);
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
