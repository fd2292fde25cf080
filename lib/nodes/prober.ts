import type { PeerAddress, ProbeResult } from '../crawler/types';
import { keyTicker } from '../keys/ticker';
import { handshakeProberFromEnv } from './handshake-prober';

/** Probes one address with a real version/verack handshake. */
export type NodeProber = (address: PeerAddress) => Promise<ProbeResult>;

export class ProberNotWiredError extends Error {
  override name = 'ProberNotWiredError';
  constructor() {
    super('Node probing is not wired in this build: lib/p2p probePeer must be registered with setNodeProber().');
  }
}

const globalForProber = globalThis as typeof globalThis & { __peerscopeNodeProber?: NodeProber };

/**
 * Integration seam: the P2P layer registers its prober here, e.g. in lib/nodes/prober.ts itself
 *   setNodeProber((address) => probePeer(address, { timeoutMs: Number(process.env.REGISTRATION_PROBE_TIMEOUT_MS ?? 10_000) }))
 * Tests pass their own prober to the lib functions instead.
 */
export function setNodeProber(prober: NodeProber | undefined): void {
  globalForProber.__peerscopeNodeProber = prober;
}

/**
 * The prober used by POST /api/nodes/register and POST /api/admin/check: the one registered
 * with setNodeProber() (lib/p2p probePeer once wired), else the minimal built-in handshake
 * prober for the configured chain (lib/nodes/handshake-prober.ts), else one that fails with
 * ProberNotWiredError (answered 503) for chains without known magic.
 */
export function getNodeProber(env: Record<string, string | undefined> = process.env): NodeProber {
  const prober = globalForProber.__peerscopeNodeProber;
  if (prober) return prober;
  const fallback = handshakeProberFromEnv(keyTicker(env), env);
  if (fallback) return fallback;
  return async () => {
    throw new ProberNotWiredError();
  };
}
