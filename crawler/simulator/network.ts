/**
 * A simulated P2P network on loopback: thousands of fake peers, each on its
 * own 127.a.b.c listener, answering with the real protocol. Peers advertise
 * realistic public addresses (or their loopback address when
 * publicAddresses is false); `dialer` routes advertised addresses to the
 * listeners and refuses everything else, so nothing outside 127/8 is ever
 * dialed. Deterministic given randomSeed (except the OS-assigned ports).
 */
import { CHAIN_PRESETS, type ChainPreset } from '@/lib/chains/presets';
import { addressKey, type PeerAddress } from '@/lib/crawler/types';
import { onionFromPubkey } from '@/lib/p2p/address';
import type { Resolver } from '@/lib/p2p/crawl';
import { DialError, directDialer, type Dialer } from '@/lib/p2p/dialer';
import { magicBytes } from '@/lib/p2p/frame';
import { NODE_NETWORK, NODE_NETWORK_LIMITED, NODE_WITNESS } from '@/lib/p2p/messages';
import { HOSTILE_BEHAVIOURS, startPeerServer, type PeerBehaviour, type PeerProfile, type RunningPeerServer } from './peer-server';
import { Announcer } from './announcer';
import { randomPublicAddress } from './public-addresses';
import { createRng, shuffle, type Rng } from './random';

export interface SimulatedNetworkOptions {
  nodes: number;
  chain?: ChainPreset;
  /** Fractions of peers that are hostile, slow, or advertised but not listening. */
  hostileShare?: number;
  slowShare?: number;
  goneShare?: number;
  randomSeed?: number;
  /** How many good peers are returned as seeds (static list and fake DNS seed). Default 3. */
  seedCount?: number;
  /** Advertise public-looking addresses (default) or the loopback addresses themselves. */
  publicAddresses?: boolean;
  /** Share of IPv6 among public addresses. Default 0.15. */
  ipv6Share?: number;
  /** Extra random neighbours per peer on top of the spanning tree. Default 6. */
  extraNeighbours?: number;
  /** Unreachable onion addresses mixed into addrv2 gossip (recorded, never dialed). Default nodes/50. */
  onionCount?: number;
  /** Slow peers delay each response by a value in this range. Default [100, 400]. */
  slowDelayMs?: [number, number];
  /** Listen port for every peer (each has its own IP, so one port fits all); 0 = OS-assigned per peer. */
  basePort?: number;
  /** Second octet of the loopback range used (127.<octet>.x.y). Default 100. */
  loopbackOctet?: number;
  /** Good and slow peers relay a new block every this many ms (0: none, or announcer.mineBlock()). Default 0. */
  blockIntervalMs?: number;
  /** New random transactions per second relayed to connections that asked for relay. Default 0. */
  txPerSecond?: number;
  /** Mean random delay before each peer relays a block or transaction (ms), so announcements spread. Default 0. */
  spreadMs?: number;
}

export interface SimulatedPeer {
  index: number;
  /** The address other peers gossip and the crawler dials. */
  address: PeerAddress;
  /** Where the listener actually is (for gone peers: a closed port). */
  loopback: { host: string; port: number };
  profile: PeerProfile;
}

export interface SimulatedNetwork {
  chain: ChainPreset;
  peers: SimulatedPeer[];
  seeds: PeerAddress[];
  dnsSeeds: string[];
  resolver: Resolver;
  dialer: Dialer;
  /** Advertised onion addresses (nothing behind them). */
  onions: PeerAddress[];
  /** Peers a correct crawler should complete a handshake with. */
  reachable(): SimulatedPeer[];
  /** Blocks and transactions the good and slow peers relay. */
  announcer: Announcer;
  stop(): Promise<void>;
}

const USER_AGENTS: Record<string, string[]> = {
  bitcoin: ['/Satoshi:28.1.0/', '/Satoshi:27.1.0/', '/Satoshi:27.0.0/', '/Satoshi:26.1.0/', '/Satoshi:25.0.0/', '/Satoshi:24.0.1/', '/Satoshi:22.0.0/', '/Satoshi:0.21.1/', '/btcd:0.24.2/', '/Satoshi:28.0.0(knots)/'],
  dogecoin: ['/Shibetoshi:1.14.9/', '/Shibetoshi:1.14.8/', '/Shibetoshi:1.14.7/', '/Shibetoshi:1.14.6/'],
  litecoin: ['/LitecoinCore:0.21.4/', '/LitecoinCore:0.21.3/', '/LitecoinCore:0.21.2.2/', '/LitecoinCore:0.18.1/'],
  dingocoin: ['/Dingocoin:1.18.0/', '/Dingocoin:1.17.1.1/', '/Dingocoin:1.16.0.6/'],
};
const BASE_HEIGHT: Record<string, number> = { bitcoin: 880_000, testnet: 4_300_000, testnet4: 80_000, signet: 250_000, regtest: 200, dogecoin: 5_600_000, litecoin: 2_850_000, dingocoin: 1_500_000 };

export const SIM_DNS_SEED = 'seed.simulated.peerscope.invalid';

function loopbackHost(index: number, octet: number): string {
  const perBlock = 254 * 254;
  return `127.${octet + Math.floor(index / perBlock)}.${1 + (Math.floor(index / 254) % 254)}.${1 + (index % 254)}`;
}

function assignBehaviours(nodes: number, options: SimulatedNetworkOptions, rng: Rng): PeerBehaviour[] {
  const count = (share = 0) => Math.round(Math.min(1, Math.max(0, share)) * nodes);
  const hostile = count(options.hostileShare);
  const slow = count(options.slowShare);
  const gone = count(options.goneShare);
  const behaviours: PeerBehaviour[] = [];
  for (let index = 0; index < hostile; index += 1) behaviours.push(HOSTILE_BEHAVIOURS[index % HOSTILE_BEHAVIOURS.length]!);
  for (let index = 0; index < slow; index += 1) behaviours.push('slow');
  for (let index = 0; index < gone; index += 1) behaviours.push('gone');
  while (behaviours.length < nodes) behaviours.push('good');
  // Keep enough good peers for seeds and a connected graph.
  const seedCount = Math.max(1, options.seedCount ?? 3);
  const goodCount = behaviours.filter((behaviour) => behaviour === 'good').length;
  if (goodCount < Math.min(seedCount, nodes)) throw new RangeError('not enough good peers for the seeds');
  const shuffled = shuffle(behaviours.slice(0, nodes), rng);
  return shuffled;
}

function userAgentsFor(chain: ChainPreset): string[] {
  if (chain.id === 'dogecoin' || chain.id === 'litecoin' || chain.id === 'dingocoin') return USER_AGENTS[chain.id]!;
  return USER_AGENTS.bitcoin!;
}

export async function startSimulatedNetwork(options: SimulatedNetworkOptions): Promise<SimulatedNetwork> {
  const nodes = Math.floor(options.nodes);
  if (!(nodes >= 1 && nodes <= 200_000)) throw new RangeError('nodes must be between 1 and 200000');
  const chain = options.chain ?? CHAIN_PRESETS.bitcoin;
  const rng = createRng(options.randomSeed ?? 1);
  const publicAddresses = options.publicAddresses ?? true;
  const basePort = options.basePort ?? 0;
  const octet = options.loopbackOctet ?? 100;
  const [slowMin, slowMax] = options.slowDelayMs ?? [100, 400];
  const behaviours = assignBehaviours(nodes, options, rng.fork(1));

  // Profiles and addresses.
  const agents = userAgentsFor(chain);
  const taken = new Set<string>();
  const peers: SimulatedPeer[] = behaviours.map((behaviour, index) => {
    const peerRng = rng.fork(1000 + index);
    const loopback = { host: loopbackHost(index, octet), port: behaviour === 'gone' ? 1 : basePort };
    const port = peerRng.next() < 0.93 ? chain.defaultPort : peerRng.int(1024, 65536);
    const address = publicAddresses ? randomPublicAddress(peerRng, port, options.ipv6Share ?? 0.15, taken) : { host: loopback.host, port: loopback.port, network: 'ipv4' as const };
    const modern = peerRng.next() < 0.85;
    const profile: PeerProfile = {
      behaviour,
      userAgent: peerRng.pick(agents),
      protocolVersion: modern ? chain.protocolVersion : chain.protocolVersion - peerRng.int(1, 3),
      services: peerRng.next() < 0.1 ? NODE_NETWORK_LIMITED | NODE_WITNESS : NODE_NETWORK | NODE_WITNESS | NODE_NETWORK_LIMITED,
      startHeight: (BASE_HEIGHT[chain.id] ?? 100_000) - peerRng.int(0, 6),
      delayMs: peerRng.int(slowMin, Math.max(slowMin + 1, slowMax)),
      announcesSelf: peerRng.next() < 0.3,
      seed: peerRng.int(0, 2 ** 31),
    };
    return { index, address, loopback, profile };
  });

  // Gossip graph: a random spanning tree over the well-behaved peers (so
  // recursive discovery reaches them all), extra random edges, and every
  // other peer advertised by at least one well-behaved peer.
  const graphRng = rng.fork(2);
  const neighbours: Set<number>[] = peers.map(() => new Set());
  const wellBehaved = shuffle(
    peers.filter((peer) => peer.profile.behaviour === 'good' || peer.profile.behaviour === 'slow').map((peer) => peer.index),
    graphRng,
  );
  const link = (a: number, b: number) => {
    if (a === b) return;
    neighbours[a]!.add(b);
    neighbours[b]!.add(a);
  };
  for (let position = 1; position < wellBehaved.length; position += 1) {
    link(wellBehaved[position]!, wellBehaved[graphRng.int(0, position)]!);
  }
  const extra = options.extraNeighbours ?? 6;
  for (const index of wellBehaved) {
    for (let count = 0; count < extra; count += 1) neighbours[index]!.add(graphRng.int(0, nodes));
    neighbours[index]!.delete(index);
  }
  for (const peer of peers) {
    if (peer.profile.behaviour !== 'good' && peer.profile.behaviour !== 'slow' && wellBehaved.length > 0) {
      neighbours[graphRng.pick(wellBehaved)]!.add(peer.index);
    }
  }
  const onionCount = options.onionCount ?? Math.floor(nodes / 50);
  const onions: PeerAddress[] = [];
  for (let index = 0; index < onionCount; index += 1) {
    onions.push({ host: onionFromPubkey(graphRng.bytes(32)), port: chain.defaultPort, network: 'onion' });
  }
  const onionGossip: PeerAddress[][] = peers.map(() => []);
  for (const onion of onions) onionGossip[graphRng.pick(wellBehaved.length ? wellBehaved : [0])]!.push(onion);

  const goodForSeeds = shuffle(
    peers.filter((peer) => peer.profile.behaviour === 'good'),
    rng.fork(3),
  );
  const seeds = goodForSeeds.slice(0, Math.max(1, options.seedCount ?? 3)).map((peer) => peer.address);

  // Listeners.
  const magic = magicBytes(chain.magic);
  const announcer = new Announcer({ blockIntervalMs: options.blockIntervalMs, txPerSecond: options.txPerSecond });
  const spread = options.spreadMs ?? 0;
  // Each peer sits at its own distance (0–spread) and each relay adds an exponential draw around spread/2.
  const relayRng = createRng((options.randomSeed ?? 1) ^ 0x5eed);
  const relayDelay = (distance: number) => () => (spread > 0 ? Math.round(distance - Math.log(1 - relayRng.next()) * (spread / 2)) : 0);
  const servers: RunningPeerServer[] = [];
  const listening = peers.filter((peer) => peer.profile.behaviour !== 'gone');
  const BATCH = 256;
  try {
    for (let offset = 0; offset < listening.length; offset += BATCH) {
      const batch = listening.slice(offset, offset + BATCH);
      const started = await Promise.all(
        batch.map((peer) =>
          startPeerServer(peer.loopback.host, peer.loopback.port, peer.profile, {
            magic,
            supportsAddrV2: chain.supportsAddrV2,
            self: peer.address,
            gossip: () => [...[...neighbours[peer.index]!].map((index) => peers[index]!.address), ...onionGossip[peer.index]!],
            announcer,
            relayDelayMs: relayDelay(relayRng.next() * spread),
          }),
        ),
      );
      started.forEach((server, position) => {
        const peer = batch[position]!;
        peer.loopback.port = server.port;
        if (!publicAddresses) peer.address = { ...peer.address, port: server.port };
      });
      servers.push(...started);
    }
  } catch (error) {
    announcer.stop();
    await Promise.all(servers.map((server) => server.close()));
    throw error;
  }

  const routes = new Map<string, { host: string; port: number }>();
  for (const peer of peers) routes.set(addressKey(peer.address), peer.loopback);

  const dialer: Dialer = (address, signal) => {
    const target = routes.get(addressKey(address));
    if (!target) return Promise.reject(new DialError(`simulated network: no route to ${addressKey(address)}`, 'ECONNREFUSED'));
    return directDialer({ host: target.host, port: target.port, network: 'ipv4' }, signal);
  };

  const seedIps = seeds.filter((seed) => seed.port === chain.defaultPort);
  const resolver: Resolver = {
    resolve4: async (host) => (host === SIM_DNS_SEED ? seedIps.filter((seed) => seed.network === 'ipv4').map((seed) => seed.host) : Promise.reject(Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' }))),
    resolve6: async (host) => (host === SIM_DNS_SEED ? seedIps.filter((seed) => seed.network === 'ipv6').map((seed) => seed.host) : Promise.reject(Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' }))),
  };

  let stopped: Promise<void> | null = null;
  return {
    chain,
    peers,
    seeds,
    dnsSeeds: [SIM_DNS_SEED],
    resolver,
    dialer,
    onions,
    reachable: () => peers.filter((peer) => peer.profile.behaviour === 'good' || peer.profile.behaviour === 'slow' || peer.profile.behaviour === 'addr-flood'),
    announcer,
    stop: () => {
      announcer.stop();
      return (stopped ??= Promise.all(servers.map((server) => server.close())).then(() => undefined));
    },
  };
}

