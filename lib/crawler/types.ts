/**
 * Contracts between the P2P layer (lib/p2p: dialing, handshakes, discovery),
 * the measurement layer (lib/crawler: persistence, uptime, scoring, snapshots)
 * and the crawler worker (crawler/) that wires them together.
 */

export type AddressNetwork = 'ipv4' | 'ipv6' | 'onion' | 'i2p' | 'cjdns';

export interface PeerAddress {
  /** IPv4 dotted quad, IPv6 in canonical compressed form (no brackets), or an onion/i2p/cjdns host. */
  host: string;
  port: number;
  network: AddressNetwork;
}

/** What the peer said about itself in its version message. */
export interface PeerVersion {
  protocolVersion: number;
  /** uint64 service bits. */
  services: bigint;
  userAgent: string;
  startHeight: number;
  relay: boolean;
  /** The peer's clock (unix seconds) as it claimed in version. */
  timestamp: number;
}

/** The outcome of one probe of one address. */
export interface ProbeResult {
  address: PeerAddress;
  checkedAt: Date;
  /** True when the version/verack handshake completed. */
  ok: boolean;
  /**
   * Whether the TCP connection (through the proxy, for onion/i2p) was accepted; with
   * ok false this tells "reachable" (TCP only) from "down". Undefined: not known.
   */
  tcpConnected?: boolean;
  /** Handshake round trip: connect until verack received, in milliseconds. */
  latencyMs?: number;
  /** Ping/pong round trip when measured, in milliseconds. */
  pingMs?: number;
  /** Why the probe failed ("timeout: connect", "ECONNREFUSED", "bad magic", ...). */
  error?: string;
  version?: PeerVersion;
  /** Addresses the peer gossiped (addr / addrv2), already capped and de-duplicated. */
  learned: PeerAddress[];
}

/** Formats "ip:port", bracketing IPv6 ("[2001:db8::1]:8333") as Bitnodes does. */
export function addressKey(address: Pick<PeerAddress, 'host' | 'port'>): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
