import { z } from 'zod';
import { activeChain } from '../chains';
import type { PeerAddress, ProbeResult } from '../crawler/types';
import { defaultDialer } from '../p2p/dialer';
import { probePeer } from '../p2p/probe';

/** Probes one address with a real version/verack handshake. */
export type NodeProber = (address: PeerAddress) => Promise<ProbeResult>;

const globalForProber = globalThis as typeof globalThis & { __peerscopeNodeProber?: NodeProber };

/** Replaces the prober (tests); `undefined` restores the real one. */
export function setNodeProber(prober: NodeProber | undefined): void {
  globalForProber.__peerscopeNodeProber = prober;
}

const timeoutSchema = z.coerce.number().int().min(1000).max(60_000).default(10_000);

/**
 * The prober used by POST /api/nodes/register and POST /api/admin/check: the
 * crawler's own probePeer on the active chain (CHAIN / CRAWLER_CONFIG), with
 * REGISTRATION_PROBE_TIMEOUT_MS as the overall limit. It does not wait for
 * address gossip: a registration only needs the handshake and a ping.
 */
export function getNodeProber(env: Record<string, string | undefined> = process.env): NodeProber {
  const override = globalForProber.__peerscopeNodeProber;
  if (override) return override;
  const totalMs = timeoutSchema.parse(env.REGISTRATION_PROBE_TIMEOUT_MS === '' ? undefined : env.REGISTRATION_PROBE_TIMEOUT_MS);
  const chain = activeChain();
  const dialer = defaultDialer(chain.crawler.socks5Proxy);
  return (address) =>
    probePeer(address, {
      chain,
      dialer,
      timeouts: { ...chain.crawler.timeouts, addrWindowMs: 0, totalMs, handshakeMs: Math.min(chain.crawler.timeouts.handshakeMs, totalMs) },
    });
}
