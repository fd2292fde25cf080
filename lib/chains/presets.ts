/**
 * Chain presets: the network parameters the crawler needs to speak the P2P
 * protocol of each supported chain. Values come from each project's
 * chainparams.cpp / version.h; where a value could not be confirmed from
 * source it says so next to it.
 */

export type ChainId = 'bitcoin' | 'testnet' | 'testnet4' | 'signet' | 'regtest' | 'dogecoin' | 'litecoin' | 'dingocoin';

export interface ChainPreset {
  id: ChainId;
  displayName: string;
  /** Lower-case ticker used in URLs and labels. */
  ticker: string;
  /** pchMessageStart, 4 bytes as 8 lower-case hex characters, in wire order. */
  magic: string;
  defaultPort: number;
  /** Protocol version announced in our version message. */
  protocolVersion: number;
  dnsSeeds: string[];
  userAgent: string;
  /** Whether the chain's reference client understands BIP155 addrv2/sendaddrv2. */
  supportsAddrV2: boolean;
  /**
   * The lowest protocol version a peer may announce to count as up, by block
   * height (the entry with the highest fromHeight not above the peer's height
   * applies). Peers below it are recorded but not counted as up.
   */
  minPeerVersions: readonly { fromHeight: number; version: number }[];
}

/** Bitnodes' and Bitcoin Core's floor (MIN_PEER_PROTO_VERSION was 31800; Bitnodes asks 70001). */
const MIN_PEER_VERSION_70001 = [{ fromHeight: 0, version: 70001 }] as const;

/** The minimum protocol version that applies to a peer announcing this height. */
export function minimumPeerVersion(preset: Pick<ChainPreset, 'minPeerVersions'>, height: number): number {
  let version = 0;
  for (const rule of preset.minPeerVersions) if (height >= rule.fromHeight) version = rule.version;
  return version;
}

export const PEERSCOPE_USER_AGENT = '/Peerscope:0.1.0/';

/** Bitcoin Core PROTOCOL_VERSION since v0.21 (wtxidrelay); addrv2 is negotiated with sendaddrv2 at this version. */
const BITCOIN_PROTOCOL_VERSION = 70016;

export const CHAIN_PRESETS: Record<ChainId, ChainPreset> = {
  bitcoin: {
    id: 'bitcoin',
    displayName: 'Bitcoin',
    ticker: 'btc',
    magic: 'f9beb4d9',
    defaultPort: 8333,
    protocolVersion: BITCOIN_PROTOCOL_VERSION,
    dnsSeeds: [
      'seed.bitcoin.sipa.be',
      'dnsseed.bluematt.me',
      'seed.bitcoin.jonasschnelli.ch',
      'seed.btc.petertodd.net',
      'seed.bitcoin.sprovoost.nl',
      'dnsseed.emzy.de',
      'seed.bitcoin.wiz.biz',
      'seed.mainnet.achownodes.xyz',
    ],
    userAgent: PEERSCOPE_USER_AGENT,
    supportsAddrV2: true,
    minPeerVersions: MIN_PEER_VERSION_70001,
  },
  testnet: {
    id: 'testnet',
    displayName: 'Bitcoin Testnet3',
    ticker: 'tbtc',
    magic: '0b110907',
    defaultPort: 18333,
    protocolVersion: BITCOIN_PROTOCOL_VERSION,
    dnsSeeds: [
      'testnet-seed.bitcoin.jonasschnelli.ch',
      'seed.tbtc.petertodd.net',
      'seed.testnet.bitcoin.sprovoost.nl',
      'testnet-seed.bluematt.me',
      'seed.testnet.achownodes.xyz',
    ],
    userAgent: PEERSCOPE_USER_AGENT,
    supportsAddrV2: true,
    minPeerVersions: MIN_PEER_VERSION_70001,
  },
  testnet4: {
    id: 'testnet4',
    displayName: 'Bitcoin Testnet4',
    ticker: 'tbtc4',
    magic: '1c163f28',
    defaultPort: 48333,
    protocolVersion: BITCOIN_PROTOCOL_VERSION,
    dnsSeeds: ['seed.testnet4.bitcoin.sprovoost.nl', 'seed.testnet4.wiz.biz'],
    userAgent: PEERSCOPE_USER_AGENT,
    supportsAddrV2: true,
    minPeerVersions: MIN_PEER_VERSION_70001,
  },
  signet: {
    id: 'signet',
    displayName: 'Bitcoin Signet',
    ticker: 'sbtc',
    // Default (global) signet only; a custom signet's magic derives from its challenge script.
    magic: '0a03cf40',
    defaultPort: 38333,
    protocolVersion: BITCOIN_PROTOCOL_VERSION,
    dnsSeeds: ['seed.signet.bitcoin.sprovoost.nl', 'seed.signet.achownodes.xyz'],
    userAgent: PEERSCOPE_USER_AGENT,
    supportsAddrV2: true,
    minPeerVersions: MIN_PEER_VERSION_70001,
  },
  regtest: {
    id: 'regtest',
    displayName: 'Bitcoin Regtest',
    ticker: 'rbtc',
    magic: 'fabfb5da',
    defaultPort: 18444,
    protocolVersion: BITCOIN_PROTOCOL_VERSION,
    dnsSeeds: [],
    userAgent: PEERSCOPE_USER_AGENT,
    supportsAddrV2: true,
    minPeerVersions: MIN_PEER_VERSION_70001,
  },
  dogecoin: {
    id: 'dogecoin',
    displayName: 'Dogecoin',
    ticker: 'doge',
    magic: 'c0c0c0c0',
    defaultPort: 22556,
    // Dogecoin Core 1.14.x PROTOCOL_VERSION.
    protocolVersion: 70015,
    // The two seeds in Dogecoin Core 1.14 chainparams.cpp; later releases may list more.
    dnsSeeds: ['seed.multidoge.org', 'seed2.multidoge.org'],
    userAgent: PEERSCOPE_USER_AGENT,
    // Dogecoin Core 1.14 predates BIP155.
    supportsAddrV2: false,
    minPeerVersions: MIN_PEER_VERSION_70001,
  },
  litecoin: {
    id: 'litecoin',
    displayName: 'Litecoin',
    ticker: 'ltc',
    magic: 'fbc0b6db',
    defaultPort: 9333,
    // Litecoin Core 0.21 (MWEB_SYNC_VERSION).
    protocolVersion: 70017,
    dnsSeeds: [
      'seed-a.litecoin.loshan.co.uk',
      'dnsseed.thrasher.io',
      'dnsseed.litecointools.com',
      'dnsseed.litecoinpool.org',
      'dnsseed.koin-project.com',
    ],
    userAgent: PEERSCOPE_USER_AGENT,
    // Litecoin Core 0.21 is based on Bitcoin Core 0.21, which introduced BIP155.
    supportsAddrV2: true,
    minPeerVersions: MIN_PEER_VERSION_70001,
  },
  dingocoin: {
    id: 'dingocoin',
    displayName: 'Dingocoin',
    ticker: 'dingo',
    // Magic and port from dingocoin/dingocoin src/chainparams.cpp (mainnet).
    magic: 'c1c1c1c1',
    defaultPort: 33117,
    // PROTOCOL_VERSION in Dingocoin's src/version.h (confirmed).
    protocolVersion: 70144,
    // The five seeds of Dingocoin's src/chainparams.cpp (confirmed).
    dnsSeeds: [
      'dnsseed.dingocoin.com',
      'seed.australiacash.org',
      'seed1.dingocoin.com',
      'seed2.dingocoin.com',
      'seed3.dingocoin.com',
    ],
    userAgent: PEERSCOPE_USER_AGENT,
    // Dogecoin 1.14 fork: no BIP155 support seen in its source.
    supportsAddrV2: false,
    // Dingocoin's src/validation.cpp: past height 969730 its nodes refuse peers below 70141.
    minPeerVersions: [
      { fromHeight: 0, version: 70001 },
      { fromHeight: 969_730, version: 70141 },
    ],
  },
};

export const CHAIN_IDS = Object.keys(CHAIN_PRESETS) as ChainId[];
