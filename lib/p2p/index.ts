export { addressFromIp16, formatIPv6, networkOfHost, onionFromPubkey, parsePeerAddress, pubkeyFromOnion } from './address';
export { crawlNetwork, resolveDnsSeeds, systemResolver, type CrawlOptions, type CrawlStats, type ProbeFunction, type Resolver } from './crawl';
export { defaultDialer, DialError, directDialer, socks5Dialer, type Dialer, type Socks5ProxyOptions } from './dialer';
export { isProtocolError, ProtocolError, type ProtocolErrorCode } from './errors';
export { encodeFrame, FrameDecoder, MAX_PROTOCOL_PAYLOAD, type Frame } from './frame';
export { decodeMessage, MAX_ADDR_ENTRIES, type AddrEntry, type P2PMessage, type VersionMessage } from './messages';
export { DEFAULT_PROBE_TIMEOUTS, probePeer, type ProbeChain, type ProbeOptions } from './probe';
