import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulatedNetwork, type SimulatedNetwork } from '../../crawler/simulator';
import { CHAIN_PRESETS } from '../../lib/chains/presets';
import { addressKey, type PeerAddress, type ProbeResult } from '../../lib/crawler/types';
import { crawlNetwork, resolveDnsSeeds, type ProbeFunction } from '../../lib/p2p/crawl';
import { probePeer } from '../../lib/p2p/probe';

const chain = CHAIN_PRESETS.bitcoin;
// Generous enough for 2 shared cores under load; hostile peers still fail by the handshake timeout.
const timeouts = { connectMs: 3000, handshakeMs: 2500, pingMs: 1500, addrWindowMs: 1500, totalMs: 6000 };

describe('crawlNetwork on a simulated network', () => {
  let network: SimulatedNetwork;
  before(async () => {
    network = await startSimulatedNetwork({ nodes: 1500, hostileShare: 0.05, slowShare: 0.05, goneShare: 0.05, randomSeed: 2024, slowDelayMs: [50, 150] });
  });
  after(() => network.stop());

  const realProbe = (maxLearned = 300): ProbeFunction => (address, signal) => probePeer(address, { chain, dialer: network.dialer, timeouts, maxLearned, signal, addrQuietMs: 100 });

  it('discovers every reachable peer, reports hostile ones as failed, records onions without dialing, and bounds concurrency', async () => {
    const results = new Map<string, ProbeResult>();
    const undialed: PeerAddress[] = [];
    let running = 0;
    let maxRunning = 0;
    const concurrency = 48;
    const stats = await crawlNetwork({
      chain,
      dnsSeeds: network.dnsSeeds,
      resolver: network.resolver,
      probe: async (address, signal) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        try {
          return await realProbe()(address, signal);
        } finally {
          running -= 1;
        }
      },
      concurrency,
      maxAddresses: 100_000,
      onResult: (result) => {
        assert.ok(!results.has(addressKey(result.address)), `probed twice: ${addressKey(result.address)}`);
        results.set(addressKey(result.address), result);
      },
      onUndialed: (address) => undialed.push(address),
    });

    assert.ok(maxRunning <= concurrency, `ran ${maxRunning} probes at once`);
    assert.ok(maxRunning > concurrency / 2, 'the pool should actually fill up');
    assert.equal(stats.maxConcurrent, maxRunning);
    for (const peer of network.reachable()) {
      const result = results.get(addressKey(peer.address));
      assert.ok(result, `never probed ${peer.profile.behaviour} peer ${addressKey(peer.address)}`);
      assert.equal(result.ok, true, `${peer.profile.behaviour} ${addressKey(peer.address)}: ${result.error}`);
    }
    for (const peer of network.peers.filter((candidate) => !network.reachable().includes(candidate))) {
      const result = results.get(addressKey(peer.address));
      assert.ok(result, `never probed ${peer.profile.behaviour} peer`);
      assert.equal(result.ok, false, `${peer.profile.behaviour} peer reported ok`);
      assert.ok(result.error, 'failed probes carry an error');
    }
    // Onions travel only in addrv2, which pre-70016 peers do not send, so some stay unknown.
    const onionKeys = new Set(network.onions.map(addressKey));
    assert.equal(new Set(undialed.map(addressKey)).size, undialed.length);
    assert.ok(undialed.every((address) => address.network === 'onion' && onionKeys.has(addressKey(address))));
    assert.ok(undialed.length >= network.onions.length / 2, `only ${undialed.length} onions recorded`);
    assert.equal(stats.dialed, results.size);
    assert.equal(stats.ok + stats.failed, stats.dialed);
    assert.equal(stats.ok, network.reachable().length);
    assert.equal(stats.undialed, undialed.length);
    assert.equal(stats.aborted, false);
  });

  it('has no batch barrier: one very slow probe does not hold the others back', async () => {
    const slowTarget = network.seeds[0]!;
    let slowPending = false;
    let completedWhileSlowPending = 0;
    const stats = await crawlNetwork({
      chain,
      seeds: network.seeds,
      probe: async (address, signal) => {
        if (addressKey(address) === addressKey(slowTarget)) {
          slowPending = true;
          await new Promise((resolve) => setTimeout(resolve, 1500));
          const result = await realProbe()(address, signal);
          slowPending = false;
          return result;
        }
        const result = await realProbe()(address, signal);
        if (slowPending) completedWhileSlowPending += 1;
        return result;
      },
      concurrency: 16,
      maxAddresses: 100_000,
    });
    // With batches of 16, nothing beyond the first batch could finish while the slow probe runs.
    assert.ok(completedWhileSlowPending > 50, `only ${completedWhileSlowPending} probes completed meanwhile`);
    assert.ok(stats.ok >= network.reachable().length - 1);
  });

  it('keeps at most maxAddresses addresses and counts the rest as dropped', async () => {
    const seen = new Set<string>();
    const stats = await crawlNetwork({
      chain,
      seeds: network.seeds,
      probe: realProbe(),
      concurrency: 32,
      maxAddresses: 200,
      onResult: (result) => seen.add(addressKey(result.address)),
    });
    assert.ok(stats.learned <= 200);
    assert.ok(seen.size <= 200);
    assert.ok(stats.dropped > 0);
  });

  it('stops on abort without starting new probes', async () => {
    const controller = new AbortController();
    let started = 0;
    const pending = crawlNetwork({
      chain,
      seeds: network.seeds,
      probe: (address, signal) => {
        started += 1;
        return realProbe()(address, signal);
      },
      concurrency: 16,
      maxAddresses: 100_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    const stats = await pending;
    const startedAtEnd = started;
    assert.equal(stats.aborted, true);
    assert.ok(stats.dialed < network.reachable().length);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(started, startedAtEnd);
  });
});

describe('resolveDnsSeeds', () => {
  it('collects A and AAAA records on the default port and reports real failures', async () => {
    const errors: string[] = [];
    const addresses = await resolveDnsSeeds(
      ['a.example', 'b.example', 'broken.example'],
      8333,
      {
        resolve4: async (host) => {
          if (host === 'broken.example') throw Object.assign(new Error('timeout'), { code: 'ETIMEOUT' });
          return host === 'a.example' ? ['1.2.3.4'] : [];
        },
        resolve6: async (host) => {
          if (host === 'b.example') return ['2001:0db8::0001', '::ffff:5.6.7.8'];
          throw Object.assign(new Error('no data'), { code: 'ENODATA' });
        },
      },
      (seed, error) => errors.push(`${seed}: ${error.message}`),
    );
    assert.deepEqual(addresses, [
      { host: '1.2.3.4', port: 8333, network: 'ipv4' },
      { host: '2001:db8::1', port: 8333, network: 'ipv6' },
      { host: '5.6.7.8', port: 8333, network: 'ipv4' },
    ]);
    assert.deepEqual(errors, ['broken.example: timeout']);
  });
});
