/**
 * A small loopback network for the crawler's hostile-gossip tests: `good`
 * honest peers plus one peer of each gossip-test behaviour (NUL user agent,
 * bogon flood, oversized addr, count bomb, multi-message addr, stale
 * timestamps, old protocol version). Every peer advertises a public-looking
 * address that the returned dialer routes to its 127.0.0.1 listener; the
 * seed gossips every peer. Nothing outside loopback is ever dialed: the
 * dialer records every address it was asked for and refuses unknown ones.
 */
import { CHAIN_PRESETS, type ChainPreset } from '@/lib/chains/presets';
import { addressKey, type PeerAddress } from '@/lib/crawler/types';
import { DialError, directDialer, type Dialer } from '@/lib/p2p/dialer';
import { magicBytes } from '@/lib/p2p/frame';
import { NODE_NETWORK, NODE_WITNESS } from '@/lib/p2p/messages';
import { GOSSIP_TEST_BEHAVIOURS, startPeerServer, type PeerBehaviour, type RunningPeerServer } from './peer-server';

export interface GossipTestPeer {
  behaviour: PeerBehaviour;
  address: PeerAddress;
}

export interface GossipTestNetwork {
  chain: ChainPreset;
  peers: GossipTestPeer[];
  seed: PeerAddress;
  dialer: Dialer;
  /** Every address the dialer was asked for, in order. */
  dialed: string[];
  stop(): Promise<void>;
}

export async function startGossipTestNetwork(options: { good?: number; chain?: ChainPreset } = {}): Promise<GossipTestNetwork> {
  const chain = options.chain ?? CHAIN_PRESETS.bitcoin;
  const behaviours: PeerBehaviour[] = [...new Array<PeerBehaviour>(options.good ?? 6).fill('good'), ...GOSSIP_TEST_BEHAVIOURS];
  const peers: GossipTestPeer[] = behaviours.map((behaviour, index) => ({
    behaviour,
    address: { host: `5.9.200.${index + 1}`, port: chain.defaultPort, network: 'ipv4' },
  }));
  const seed = peers[0]!.address;
  const everyone = () => peers.map((peer) => peer.address);
  const magic = magicBytes(chain.magic);
  const servers: RunningPeerServer[] = [];
  const routes = new Map<string, number>();
  for (const [index, peer] of peers.entries()) {
    const server = await startPeerServer(
      '127.0.0.1',
      0,
      {
        behaviour: peer.behaviour,
        userAgent: '/Satoshi:28.1.0/',
        protocolVersion: chain.protocolVersion,
        services: NODE_NETWORK | NODE_WITNESS,
        startHeight: 880_000,
        delayMs: 0,
        announcesSelf: false,
        seed: index + 1,
      },
      { magic, supportsAddrV2: chain.supportsAddrV2, self: peer.address, gossip: everyone },
    );
    servers.push(server);
    routes.set(addressKey(peer.address), server.port);
  }
  const dialed: string[] = [];
  const dialer: Dialer = (address, signal) => {
    const key = addressKey(address);
    dialed.push(key);
    const port = routes.get(key);
    if (port === undefined) return Promise.reject(new DialError(`gossip test network: no route to ${key}`, 'ECONNREFUSED'));
    return directDialer({ host: '127.0.0.1', port, network: 'ipv4' }, signal);
  };
  return { chain, peers, seed, dialer, dialed, stop: async () => void (await Promise.all(servers.map((server) => server.close()))) };
}
