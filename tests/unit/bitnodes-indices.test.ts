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
