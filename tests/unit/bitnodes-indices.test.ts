import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asnIndex, bitnodesIndices, heightIndex, latencyIndex, popularityIndex, uptimeIndex } from '../../lib/api/bitnodes-indices';

describe('Bitnodes leaderboard indices', () => {
  it('latency: 1.0 up to 300 ms, 0.1 less per started 100 ms, 0 above 1200 ms or unknown', () => {
    assert.equal(latencyIndex(0), 1);
    assert.equal(latencyIndex(300), 1);
    assert.equal(latencyIndex(301), 0.9);
    assert.equal(latencyIndex(400), 0.9);
    assert.ok(Math.abs(latencyIndex(1200) - 0.1) < 1e-9);
    assert.equal(latencyIndex(1201), 0);
    assert.equal(latencyIndex(null), 0);
    assert.equal(latencyIndex(Number.NaN), 0);
  });

  it('popularity, height, ASN diversity and uptime', () => {
    assert.equal(popularityIndex(1), 1);
    assert.equal(popularityIndex(4), 0.25);
    assert.equal(popularityIndex(null), 0);
    assert.equal(heightIndex(900, 1000), 0.9);
    assert.equal(heightIndex(99_999_999, 1000), 1, 'claiming to be ahead gains nothing');
    assert.equal(heightIndex(null, 1000), 0);
    assert.equal(asnIndex(1, 100), 1);
    assert.equal(asnIndex(100, 100), 0);
    assert.ok(Math.abs(asnIndex(10, 100) - 0.5) < 1e-12);
    assert.equal(asnIndex(1, 1), 0);
    assert.equal(uptimeIndex(3, 4), 0.75);
    assert.equal(uptimeIndex(0, 0), 0);
  });

  it('prints every index with 4 decimals; si is 0 without NODE_NETWORK', () => {
    const window = { averageLatencyMs: 120, successes: 9, probes: 10 };
    const indices = bitnodesIndices({
      versionRank: 2, servicesRank: 1, fullNode: false, height: 500, consensusHeight: 1000, nodesInAsn: 1, reachableNodes: 10,
      onDefaultPort: true, day: window, week: window, month: { averageLatencyMs: null, successes: 0, probes: 0 },
    });
    assert.deepEqual(indices, {
      vi: '0.5000', si: '0.0000', hi: '0.5000', ai: '1.0000', pi: '1.0000', dli: '1.0000', dui: '0.9000', wli: '1.0000', wui: '0.9000',
      mli: '0.0000', mui: '0.0000', nsi: '0.0000', ni: '0.0000', bi: '0.0000',
    });
  });
});

describe('Peerscope-defined NSI, NI, BI and the Peer Index', async () => {
  const { blockIndex, networkIndex, peerIndex, speedIndex, bitnodesIndexValues } = await import('../../lib/api/bitnodes-indices');
  const { ThroughputMeter, formatMbps } = await import('../../lib/monitor/throughput');

  it('NSI: rate / network median, at most 1; NI: network rarity; BI clamped', () => {
    assert.equal(speedIndex(50, 25), 1);
    assert.equal(speedIndex(10, 40), 0.25);
    assert.equal(speedIndex(null, 40), 0);
    assert.equal(speedIndex(10, null), 0);
    assert.equal(speedIndex(Number.POSITIVE_INFINITY, 1), 0);
    assert.equal(networkIndex(1, 100), 1);
    assert.equal(networkIndex(100, 100), 0);
    assert.equal(blockIndex(1.5), 1);
    assert.equal(blockIndex(-1), 0);
    assert.equal(blockIndex(null), 0);
  });

  it('peer_index is the mean of the 14 indices × 10 (0–10)', () => {
    const window = { averageLatencyMs: 100, successes: 1, probes: 1 };
    const all = bitnodesIndexValues({
      versionRank: 1, servicesRank: 1, fullNode: true, height: 10, consensusHeight: 10, nodesInAsn: 1, reachableNodes: 10, onDefaultPort: true,
      day: window, week: window, month: window, speed: { mbps: 9, medianMbps: 3 }, nodesOnNetwork: 1, blockScore: 1,
    });
    assert.equal(peerIndex(all), 10);
    assert.equal(peerIndex({ ...all, nsi: 0, ni: 0, bi: 0 }), (11 / 14) * 10);
  });

  it('throughput: mean of the last 128 receive-rate samples, printed with 6 decimals', () => {
    const meter = new ThroughputMeter(0);
    assert.equal(meter.sample(0), null, 'no time passed: no sample');
    meter.received(125_000); // 1 Mbit
    assert.equal(meter.sample(1000), 1);
    meter.received(375_000); // 3 Mbit over 1 s
    assert.equal(meter.sample(2000), 2);
    for (let second = 3; second <= 200; second += 1) meter.sample(second * 1000); // idle samples push the old ones out
    assert.equal(meter.count, 128);
    assert.equal(meter.sample(201_000), 0);
    assert.equal(formatMbps(38.8504931), '38.850493');
    assert.equal(formatMbps(null), '');
    assert.equal(formatMbps(Number.NaN), '');
  });
});
