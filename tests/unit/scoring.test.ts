import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  computePix,
  computeTier,
  describeScoring,
  latencyScore,
  MINIMUM_HISTORY_HOURS,
  PIX_MAX,
  rankNodes,
  TIER_REQUIREMENTS,
  type RankCandidate,
  type TierInput,
} from '../../lib/scoring';

describe('latencyScore', () => {
  it('is 100 - latency clamped to 0..100, and 0 when unknown', () => {
    assert.equal(latencyScore(0), 100);
    assert.equal(latencyScore(20), 80);
    assert.equal(latencyScore(100), 0);
    assert.equal(latencyScore(250), 0);
    assert.equal(latencyScore(-5), 100, 'a negative measurement cannot score above 100');
    assert.equal(latencyScore(null), 0);
    assert.equal(latencyScore(undefined), 0);
    assert.equal(latencyScore(Number.NaN), 0);
  });
});

describe('computePix', () => {
  it('is 1000 for a perfect node and 0 for the worst', () => {
    assert.equal(computePix({ uptimePercentage: 100, reliability: 100, latencyMs: 0 }), PIX_MAX);
    assert.equal(computePix({ uptimePercentage: 0, reliability: 0, latencyMs: null }), 0);
  });

  it('weights uptime 0.5, latency 0.3 and reliability 0.2', () => {
    assert.equal(computePix({ uptimePercentage: 100, reliability: 0, latencyMs: null }), 500);
    assert.equal(computePix({ uptimePercentage: 0, reliability: 0, latencyMs: 0 }), 300);
    assert.equal(computePix({ uptimePercentage: 0, reliability: 100, latencyMs: null }), 200);
    assert.equal(computePix({ uptimePercentage: 80, reliability: 50, latencyMs: 40 }), 400 + 180 + 100);
  });

  it('clamps every term so PIX stays within 0..1000', () => {
    assert.equal(computePix({ uptimePercentage: 130, reliability: 120, latencyMs: -50 }), PIX_MAX);
    assert.equal(computePix({ uptimePercentage: -10, reliability: -1, latencyMs: 10_000 }), 0);
  });

  it('treats unknown latency like the worst latency', () => {
    const unknown = computePix({ uptimePercentage: 90, reliability: 90, latencyMs: null });
    const slow = computePix({ uptimePercentage: 90, reliability: 90, latencyMs: 5000 });
    assert.equal(unknown, slow);
  });
});

describe('computeTier', () => {
  const base: TierInput = { pix: 1000, uptimePercentage: 100, latencyMs: 0, isUp: true, observedHours: 168 };

  it('uses the spec table: Diamond >950/>99%/<50ms, Gold >900/>98%/<100ms, Silver >850/>95%/<200ms, Bronze >800/>90%/<500ms', () => {
    assert.deepEqual(
      TIER_REQUIREMENTS.map((r) => [r.tier, r.pixAbove, r.uptimeAbove, r.latencyBelow]),
      [['diamond', 950, 99, 50], ['gold', 900, 98, 100], ['silver', 850, 95, 200], ['bronze', 800, 90, 500]],
    );
  });

  for (const requirement of TIER_REQUIREMENTS) {
    describe(`${requirement.tier} boundaries (strict inequalities)`, () => {
      const justInside: TierInput = {
        ...base,
        pix: requirement.pixAbove + 0.001,
        uptimePercentage: requirement.uptimeAbove + 0.001,
        latencyMs: requirement.latencyBelow - 0.001,
      };
      it('is reached just inside every threshold', () => {
        assert.equal(computeTier(justInside), requirement.tier);
      });
      it('is missed at the PIX threshold itself', () => {
        assert.notEqual(computeTier({ ...justInside, pix: requirement.pixAbove }), requirement.tier);
      });
      it('is missed at the uptime threshold itself', () => {
        assert.notEqual(computeTier({ ...justInside, uptimePercentage: requirement.uptimeAbove }), requirement.tier);
      });
      it('is missed at the latency threshold itself', () => {
        assert.notEqual(computeTier({ ...justInside, latencyMs: requirement.latencyBelow }), requirement.tier);
      });
    });
  }

  it('falls to the next tier whose requirements all hold', () => {
    assert.equal(computeTier({ ...base, pix: 960, uptimePercentage: 99.5, latencyMs: 60 }), 'gold');
    assert.equal(computeTier({ ...base, pix: 960, uptimePercentage: 96, latencyMs: 10 }), 'silver');
    assert.equal(computeTier({ ...base, pix: 820, uptimePercentage: 100, latencyMs: 10 }), 'bronze');
    assert.equal(computeTier({ ...base, pix: 800, uptimePercentage: 100, latencyMs: 10 }), 'standard');
    assert.equal(computeTier({ ...base, latencyMs: 500 }), 'standard');
  });

  it('never gives a tier above standard without a known latency', () => {
    assert.equal(computeTier({ ...base, latencyMs: null }), 'standard');
  });

  it('caps an offline node and a node with too little history at standard', () => {
    assert.equal(computeTier({ ...base, isUp: false }), 'standard');
    assert.equal(computeTier({ ...base, observedHours: MINIMUM_HISTORY_HOURS - 0.01 }), 'standard');
    assert.equal(computeTier({ ...base, observedHours: MINIMUM_HISTORY_HOURS }), 'diamond');
  });

  it('has thresholds that get stricter from bronze to diamond', () => {
    for (let i = 1; i < TIER_REQUIREMENTS.length; i++) {
      const better = TIER_REQUIREMENTS[i - 1]!;
      const worse = TIER_REQUIREMENTS[i]!;
      assert.ok(better.pixAbove > worse.pixAbove && better.uptimeAbove > worse.uptimeAbove);
      assert.ok(better.latencyBelow < worse.latencyBelow);
    }
  });
});

describe('rankNodes', () => {
  const day = (n: number) => new Date(Date.UTC(2026, 0, n));
  const node = (id: number, patch: Partial<RankCandidate> = {}): RankCandidate => ({
    id,
    isUp: true,
    pix: 500,
    uptimePercentage: 90,
    firstSeen: day(1),
    ...patch,
  });

  it('ranks up nodes by PIX descending from 1', () => {
    const ranks = rankNodes([node(1, { pix: 100 }), node(2, { pix: 900 }), node(3, { pix: 500 })]);
    assert.deepEqual([...ranks.entries()], [['1', 3], ['2', 1], ['3', 2]]);
  });

  it('breaks ties by uptime desc, then first seen asc, then id asc', () => {
    const ranks = rankNodes([
      node(10, { firstSeen: day(5) }),
      node(11, { uptimePercentage: 95 }),
      node(12, { firstSeen: day(5) }),
      node(13, { firstSeen: day(2) }),
    ]);
    assert.equal(ranks.get('11'), 1, 'higher uptime wins the PIX tie');
    assert.equal(ranks.get('13'), 2, 'then the node seen first');
    assert.equal(ranks.get('10'), 3, 'then the lower id');
    assert.equal(ranks.get('12'), 4);
  });

  it('compares ids numerically, not as text', () => {
    const ranks = rankNodes([node(10), node(9)]);
    assert.equal(ranks.get('9'), 1);
  });

  it('gives down, hidden and unscored nodes no rank', () => {
    const ranks = rankNodes([node(1, { isUp: false, pix: 999 }), node(2, { hidden: true }), node(3, { pix: null }), node(4)]);
    assert.deepEqual([...ranks.values()], [null, null, null, 1]);
  });

  it('does not depend on input order', () => {
    const nodes = Array.from({ length: 50 }, (_, i) => node(i + 1, { pix: (i * 37) % 7, uptimePercentage: i % 3, firstSeen: day(1 + (i % 2)) }));
    const forward = rankNodes(nodes);
    const backward = rankNodes([...nodes].reverse());
    for (const [id, rank] of forward) assert.equal(backward.get(id), rank);
    assert.deepEqual(new Set(forward.values()).size, 50, 'every rank is distinct');
  });
});

describe('describeScoring', () => {
  it('exposes the thresholds as data', () => {
    const description = describeScoring();
    assert.equal(description.pixMax, 1000);
    assert.equal(description.tiers[0]!.tier, 'diamond');
    assert.equal(JSON.parse(JSON.stringify(description)).tiers.length, 4);
  });
});

describe('networkHealthScore', () => {
  it('weights average uptime 0.5, synced share 0.3 and average reliability 0.2, on 0..100', async () => {
    const { networkHealthScore } = await import('../../lib/scoring');
    assert.equal(networkHealthScore({ averageUptime: 100, averageReliability: 100, syncedPercentage: 100 }), 100);
    assert.equal(networkHealthScore({ averageUptime: 90, averageReliability: 50, syncedPercentage: 80 }), 45 + 24 + 10);
    assert.equal(networkHealthScore({ averageUptime: null, averageReliability: null, syncedPercentage: null }), 0);
    assert.equal(networkHealthScore({ averageUptime: 140, averageReliability: -3, syncedPercentage: 100 }), 80);
  });
});
