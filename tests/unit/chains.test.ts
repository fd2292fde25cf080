import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { activeChain, applyCrawlerConfig, CHAIN_IDS, CHAIN_PRESETS, minimumPeerVersion, resetActiveChain, resolveChain } from '../../lib/chains';

function configFile(content: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'peerscope-chain-')), 'crawler.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('chain presets', () => {
  it('have distinct magics, 8-hex magics and sane ports', () => {
    const magics = new Set(CHAIN_IDS.map((id) => CHAIN_PRESETS[id].magic));
    assert.equal(magics.size, CHAIN_IDS.length);
    for (const id of CHAIN_IDS) {
      const preset = CHAIN_PRESETS[id];
      assert.match(preset.magic, /^[0-9a-f]{8}$/);
      assert.ok(preset.defaultPort > 0 && preset.defaultPort < 65536);
      assert.equal(preset.id, id);
    }
    assert.equal(CHAIN_PRESETS.bitcoin.magic, 'f9beb4d9');
    assert.equal(CHAIN_PRESETS.dogecoin.ticker, 'doge');
    assert.equal(CHAIN_PRESETS.dingocoin.defaultPort, 33117);
  });
});

describe('resolveChain', () => {
  it('defaults to bitcoin and selects presets by CHAIN', () => {
    assert.equal(resolveChain({}).id, 'bitcoin');
    assert.equal(resolveChain({ CHAIN: 'Litecoin' }).ticker, 'ltc');
    assert.throws(() => resolveChain({ CHAIN: 'ethereum' }), /CHAIN is invalid: "ethereum" is not one of bitcoin/);
  });
  it('applies CRAWLER_CONFIG overrides', () => {
    const file = configFile({
      port: 18444,
      magic: 'DEADBEEF',
      seeds: ['1.2.3.4', '[2001:db8::1]:9000'],
      concurrency: 32,
      timeouts: { connectMs: 1234 },
      socks5Proxy: '127.0.0.1:9050',
    });
    const chain = resolveChain({ CHAIN: 'dogecoin', CRAWLER_CONFIG: file });
    assert.equal(chain.magic, 'deadbeef');
    assert.equal(chain.defaultPort, 18444);
    assert.equal(chain.ticker, 'doge');
    assert.deepEqual(chain.crawler.seeds, [
      { host: '1.2.3.4', port: 18444, network: 'ipv4' },
      { host: '2001:db8::1', port: 9000, network: 'ipv6' },
    ]);
    assert.equal(chain.crawler.concurrency, 32);
    assert.equal(chain.crawler.timeouts.connectMs, 1234);
    assert.equal(chain.crawler.timeouts.handshakeMs, 10_000);
    assert.deepEqual(chain.crawler.socks5Proxy, { host: '127.0.0.1', port: 9050 });
  });
  it('names the bad field', () => {
    assert.throws(() => resolveChain({ CRAWLER_CONFIG: configFile({ magic: 'xyz' }) }), /magic: expected 8 hex characters/);
    assert.throws(() => resolveChain({ CRAWLER_CONFIG: configFile({ timeouts: { connectMs: -1 } }) }), /timeouts\.connectMs/);
    assert.throws(() => resolveChain({ CRAWLER_CONFIG: configFile({ seedz: [] }) }), /seedz/);
    assert.throws(() => resolveChain({ CRAWLER_CONFIG: configFile({ seeds: ['nohost.example:1'] }) }), /seeds\.0/);
    assert.throws(() => resolveChain({ CRAWLER_CONFIG: configFile('{nope') }), /not valid JSON/);
    assert.throws(() => resolveChain({ CRAWLER_CONFIG: '/nonexistent/peerscope.json' }), /cannot read/);
  });
  it('activeChain reads process.env once', () => {
    const previous = process.env.CHAIN;
    process.env.CHAIN = 'dingocoin';
    resetActiveChain();
    try {
      assert.equal(activeChain().ticker, 'dingo');
    } finally {
      if (previous === undefined) delete process.env.CHAIN;
      else process.env.CHAIN = previous;
      resetActiveChain();
    }
  });
});

describe('crawler hygiene settings', () => {
  it('allows non-public gossip only on regtest by default, or when the config says exactly "allowNonPublicAddresses": true', () => {
    assert.equal(resolveChain({}).crawler.allowNonPublicAddresses, false);
    assert.equal(resolveChain({ CHAIN: 'regtest' }).crawler.allowNonPublicAddresses, true);
    assert.equal(applyCrawlerConfig(CHAIN_PRESETS.bitcoin, { allowNonPublicAddresses: true }).crawler.allowNonPublicAddresses, true);
    assert.throws(() => applyCrawlerConfig(CHAIN_PRESETS.bitcoin, { allowPrivateAddresses: true }), /allowPrivateAddresses/);
  });
  it('reads the deny list, gossip window, getaddr interval, pruning and reverse DNS, rejecting bad values', () => {
    const chain = applyCrawlerConfig(CHAIN_PRESETS.bitcoin, {
      denyList: { cidrs: ['203.0.113.0/24', '2001:db8::/32'], asns: [64496] },
      addrMaxAgeSeconds: 86_400,
      getaddrIntervalHours: [2, 4],
      pruneNeverReached: { attempts: 8 },
      reverseDns: { enabled: false },
      i2pProxy: '127.0.0.1:4447',
    });
    assert.deepEqual(chain.crawler.denyList, { cidrs: ['203.0.113.0/24', '2001:db8::/32'], asns: [64496] });
    assert.equal(chain.crawler.addrMaxAgeSeconds, 86_400);
    assert.equal(chain.crawler.addrMaxFutureSeconds, 600);
    assert.deepEqual(chain.crawler.getaddrIntervalHours, [2, 4]);
    assert.deepEqual(chain.crawler.pruneNeverReached, { attempts: 8, days: 3 });
    assert.equal(chain.crawler.reverseDns.enabled, false);
    assert.deepEqual(chain.crawler.i2pProxy, { host: '127.0.0.1', port: 4447 });
    assert.throws(() => applyCrawlerConfig(CHAIN_PRESETS.bitcoin, { denyList: { cidrs: ['not a cidr'] } }), /denyList\.cidrs/);
    assert.throws(() => applyCrawlerConfig(CHAIN_PRESETS.bitcoin, { getaddrIntervalHours: [6, 1] }), /getaddrIntervalHours/);
  });
  it('knows each chain minimum peer version (Dingocoin 70141 past height 969730) and the current seeds', () => {
    assert.equal(minimumPeerVersion(CHAIN_PRESETS.bitcoin, 880_000), 70001);
    assert.equal(minimumPeerVersion(CHAIN_PRESETS.dingocoin, 969_729), 70001);
    assert.equal(minimumPeerVersion(CHAIN_PRESETS.dingocoin, 969_730), 70141);
    assert.ok(!CHAIN_PRESETS.bitcoin.dnsSeeds.includes('dnsseed.bitcoin.dashjr-list-of-p2p-nodes.us'));
    assert.equal(CHAIN_PRESETS.dingocoin.dnsSeeds.length, 5);
  });
});
