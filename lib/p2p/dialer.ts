/**
 * Dialers: how the probe opens a TCP stream to a peer. The seam lets tests
 * and the simulator route addresses, and lets onion/i2p go through SOCKS5.
 */
import { connect, type Socket } from 'node:net';
import { SocksClient } from 'socks';
import type { PeerAddress } from '../crawler/types';

/** Opens a connected socket to the address, or rejects. Must destroy the socket and reject when signal aborts. */
export type Dialer = (address: PeerAddress, signal: AbortSignal) => Promise<Socket>;

export class DialError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DialError('aborted', 'ABORT_ERR');
}

/** Plain TCP with net.connect (IPv4, IPv6 and CJDNS hosts). */
export const directDialer: Dialer = (address, signal) =>
  new Promise<Socket>((resolve, reject) => {
    if (address.network === 'onion' || address.network === 'i2p') {
      reject(new DialError(`unreachable: ${address.network} needs a SOCKS5 proxy`, 'EUNREACHABLE'));
      return;
    }
    if (signal.aborted) {
      reject(abortError(signal));
      return;
    }
    const socket = connect({ host: address.host, port: address.port });
    const onAbort = () => {
      socket.destroy();
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(error);
    });
  });

export interface Socks5ProxyOptions {
  host: string;
  port: number;
}

/** Dials through a SOCKS5 proxy (e.g. Tor at 127.0.0.1:9050, I2P's SOCKS port); the proxy resolves the host. */
export function socks5Dialer(proxy: Socks5ProxyOptions): Dialer {
  return async (address, signal) => {
    if (signal.aborted) throw abortError(signal);
    const pending = SocksClient.createConnection({
      proxy: { host: proxy.host, port: proxy.port, type: 5 },
      command: 'connect',
      destination: { host: address.host, port: address.port },
    });
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const { socket } = await Promise.race([pending, aborted]);
      return socket;
    } catch (error) {
      // A connection that completes after the abort must not leak.
      pending.then(({ socket }) => socket.destroy(), () => undefined);
      const message = (error as Error).message ?? String(error);
      throw error instanceof DialError || signal.aborted ? error : new DialError(`socks5: ${message}`, 'ESOCKS');
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  };
}

/**
 * The crawler's default: IP networks directly, onion through the SOCKS5 (Tor)
 * proxy and i2p through the I2P proxy when configured; otherwise they are
 * rejected. An I2P address is never sent to the Tor proxy.
 */
export function defaultDialer(proxy: Socks5ProxyOptions | null = null, i2pProxy: Socks5ProxyOptions | null = null): Dialer {
  const viaTor = proxy ? socks5Dialer(proxy) : null;
  const viaI2p = i2pProxy ? socks5Dialer(i2pProxy) : null;
  return (address, signal) => {
    if (address.network === 'onion' && viaTor) return viaTor(address, signal);
    if (address.network === 'i2p' && viaI2p) return viaI2p(address, signal);
    return directDialer(address, signal);
  };
}
