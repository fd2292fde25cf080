import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGossipTestNetwork, type GossipTestNetwork } from '../../crawler/simulator';
import { addressKey, type PeerAddress, type ProbeResult } from '../../lib/crawler/types';
import { crawlNetwork } from '../../lib/p2p/crawl';
import { GetaddrCache } from '../../lib/p2p/getaddr-cache';
import { addressAdmission, isFreshEntry } from '../../lib/p2p/gossip-policy';
import { probePeer } from '../../lib/p2p/probe';

const timeouts = { connectMs: 3000, handshakeMs: 4000, pingMs: 2000, addrWindowMs: 4000, totalMs: 10_000 };
const ip = (host: string, port = 8333): PeerAddress => ({ host, port, network: host.includes(':') ? 'ipv6' : 'ipv4' });

describe('address admission (the registration rule applied to gossip)', () => {
  const strict = addressAdmission({ allowNonPublicAddresses: false, denyCidrs: [], denyAsns: [] });
  const testNet = addressAdmission({ allowNonPublicAddresses: true, denyCidrs: [], denyAsns: [] });
  const alwaysRefused = [
    '192.0.2.1', '198.51.100.7', '203.0.113.9', '198.18.0.1', '224.0.0.1', '240.0.0.1', '0.0.0.0', '0.1.2.3',
    '255.255.255.255', '169.254.169.254', '100.64.0.1', '2001:db8::1', 'fe80::1', 'ff02::1', '::', '::1.2.3.4', '2002:a00:1::1', '64:ff9b::a00:1',
  ];
  it('refuses every non-public range, whatever allowNonPublicAddresses says', () => {
    for (const host of alwaysRefused) {
      assert.notEqual(strict(ip(host)), null, `${host} refused`);
      assert.notEqual(testNet(ip(host)), null, `${host} refused on a test network too`);
    }
    assert.notEqual(strict(ip('5.9.1.2', 0)), null, 'port 0');
    assert.notEqual(testNet(ip('127.0.0.1', 0)), null, 'port 0 on a test network');
  });
  it('lets loopback, RFC 1918 and ULA through only on test networks', () => {
    for (const host of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '::1', 'fd00::1']) {
      assert.notEqual(strict(ip(host)), null, `${host} refused by default`);
      assert.equal(testNet(ip(host)), null, `${host} allowed on a test network`);
    }
  });
  it('admits public unicast and overlay networks, and applies the deny list (CIDRs, ASNs)', () => {
    assert.equal(strict(ip('5.9.1.2')), null);
    assert.equal(strict(ip('2a01:4f8::1')), null);
    assert.equal(strict({ host: `${'a'.repeat(56)}.onion`, port: 8333, network: 'onion' }), null);
    const denied = addressAdmission({ allowNonPublicAddresses: false, denyCidrs: ['5.9.0.0/16', '2a01:4f8::/32'], denyAsns: [64500], asnOf: (host) => (host === '8.8.8.8' ? 64500 : null) });
    assert.match(denied(ip('5.9.1.2')) ?? '', /denied by 5\.9\.0\.0\/16/);
    assert.match(denied(ip('2a01:4f8::7')) ?? '', /denied/);
    assert.match(denied(ip('8.8.8.8')) ?? '', /AS64500/);
    assert.equal(denied(ip('1.1.1.1')), null);
  });
  it('keeps gossip inside its age window', () => {
    const window = { now: 1_000_000, maxAgeSeconds: 3 * 86_400, maxFutureSeconds: 600 };
    assert.equal(isFreshEntry({ time: 1_000_000 - 3600 }, window), true);
    assert.equal(isFreshEntry({ time: 1_000_000 - 4 * 86_400 }, window), false);
    assert.equal(isFreshEntry({ time: 1_000_000 + 300 }, window), true);
    assert.equal(isFreshEntry({ time: 1_000_000 + 3600 }, window), false);
  });
});

describe('GetaddrCache', () => {
  it('asks a node again only after its random 1-6 h interval, and stays bounded', () => {
    const cache = new GetaddrCache([3_600_000, 6 * 3_600_000], 2, () => 0.5);
    assert.equal(cache.shouldAsk('a', 0), true);
    cache.answered('a', 0);
    assert.equal(cache.shouldAsk('a', 3_600_000), false);
    assert.equal(cache.shouldAsk('a', 3.5 * 3_600_000), true);
    cache.answered('b', 0);
    cache.answered('c', 0);
    assert.equal(cache.size, 2);
    assert.equal(cache.shouldAsk('a', 0), true, 'the oldest entry was forgotten');
  });
});

describe('hostile gossip peers', () => {
  let network: GossipTestNetwork;
  before(async () => {
    network = await startGossipTestNetwork({ good: 6 });
  });
  after(() => network.stop());

  const peerOf = (behaviour: string) => network.peers.find((peer) => peer.behaviour === behaviour)!.address;
  const probe = (address: PeerAddress, extra: Partial<Parameters<typeof probePeer>[1]> = {}) =>
    probePeer(address, { chain: network.chain, dialer: network.dialer, timeouts, addrQuietMs: 300, minPeerVersion: () => 70001, ...extra });

  it('a NUL in the user agent is removed at decode', async () => {
    const result = await probe(peerOf('nul-agent'));
    assert.equal(result.ok, true);
    assert.equal(result.version?.userAgent, '/EvilCore:1.0/');
  });
  it('an addr of 1001 entries is ignored and noted, the peer stays up', async () => {
    const result = await probe(peerOf('oversized-addr'));
    assert.equal(result.ok, true);
    assert.deepEqual(result.learned, []);
    assert.match(result.error ?? '', /addr ignored: too many entries/);
  });
  it('an addr count of 2^32-1 is noted on the result', async () => {
    const result = await probe(peerOf('count-bomb'));
    assert.equal(result.ok, true);
    assert.match(result.error ?? '', /too many entries/);
  });
  it('an answer spread over several messages is collected whole', async () => {
    const started = performance.now();
    const result = await probe(peerOf('multi-message-addr'));
    assert.equal(result.ok, true);
    assert.equal(result.learned.length, network.peers.length);
    assert.ok(performance.now() - started < timeouts.addrWindowMs, 'ends after the quiet period, not the whole window');
  });
  it('entries with stale or future timestamps are dropped', async () => {
    const result = await probe(peerOf('stale-addr'));
    assert.equal(result.ok, true);
    assert.deepEqual(result.learned, []);
  });
  it('a peer below the minimum protocol version is recorded with its version but not up', async () => {
    const result = await probe(peerOf('old-version'));
    assert.equal(result.ok, false);
    assert.equal(result.version?.protocolVersion, 60_000);
    assert.match(result.error ?? '', /below the chain's minimum 70001/);
  });
  it('a handshake-only probe sends no getaddr and learns nothing', async () => {
    const result = await probe(network.seed, { getaddr: false });
    assert.equal(result.ok, true);
    assert.deepEqual(result.learned, []);
  });

  it('a crawl never dials nor passes on the bogon flood, and records every peer', async () => {
    network.dialed.length = 0;
    const results = new Map<string, ProbeResult>();
    const admit = addressAdmission({ allowNonPublicAddresses: false, denyCidrs: [], denyAsns: [] });
    const stats = await crawlNetwork({
      chain: network.chain,
      seeds: [network.seed],
      probe: (address, signal, request) => probe(address, { signal, getaddr: request?.getaddr }),
      concurrency: 8,
      maxAddresses: 10_000,
      admit,
      onResult: (result) => results.set(addressKey(result.address), result),
    });
    assert.deepEqual(new Set(network.dialed), new Set(network.peers.map((peer) => addressKey(peer.address))), 'only the peers were dialed');
    assert.equal(results.size, network.peers.length);
    for (const result of results.values()) for (const learned of result.learned) assert.equal(admit(learned), null, `${addressKey(learned)} passed on`);
    assert.ok(stats.refused >= 250, `the flood was refused (${stats.refused})`);
  });

  it('keeps one node per IPv6 /64', async () => {
    const sameSlash64 = ['2a01:4f8:1:2::1', '2a01:4f8:1:2::2', '2a01:4f8:1:2:ffff::3'].map((host) => ip(host));
    const other = ip('2a01:4f8:1:3::1');
    const dialed: string[] = [];
    const stats = await crawlNetwork({
      chain: network.chain,
      seeds: [ip('5.9.1.1')],
      probe: async (address) => {
        dialed.push(addressKey(address));
        return { address, checkedAt: new Date(), ok: true, learned: address.host === '5.9.1.1' ? [...sameSlash64, other] : [] };
      },
      concurrency: 2,
      maxAddresses: 100,
    });
    assert.deepEqual(dialed.sort(), ['5.9.1.1:8333', addressKey(sameSlash64[0]!), addressKey(other)].sort());
    assert.equal(stats.refused, 2);
  });
});
