import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recomputeScores, scoreNodes, type CheckSample, type NodeForScoring } from '../../lib/crawler/measure';
import { HOUR_MS, UPTIME_WINDOW_MS } from '../../lib/crawler/measure/windows';
import { pgArray } from '../../lib/crawler/sql-array';
import { seededRandom as random } from '../helpers/random';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';


const NOW = new Date('2026-11-24T12:00:00.000Z');

interface GeneratedNode extends NodeForScoring {
  ip: string;
}

/** Random histories: varied probe rates, gaps longer than the cap, flapping, empty, old-only and future checks. */
function generateNodes(seed: number, count: number): GeneratedNode[] {
  const next = random(seed);
  let checkId = 0;
  const nodes: GeneratedNode[] = [];
  for (let index = 0; index < count; index++) {
    const kind = Math.floor(next() * 6);
    const checks: CheckSample[] = [];
    const upBias = next();
    const span = kind === 0 ? 0 : kind === 1 ? 12 * HOUR_MS : UPTIME_WINDOW_MS * (0.2 + next() * 5);
    let at = NOW.getTime() - span;
    const mean = kind === 2 ? 9 * HOUR_MS : (5 + next() * 120) * 60_000;
    const latencyBase = kind === 3 ? 5 : 20 + next() * 200;
    while (kind !== 0 && at <= NOW.getTime() + HOUR_MS) {
      const up = next() < upBias;
      const withLatency = up && next() > 0.05;
      checks.push({
        id: ++checkId,
        checkedAt: new Date(Math.round(at)),
        status: up ? 'up' : 'down',
        // Whole and fractional latencies; some equal values to exercise the median.
        latencyMs: withLatency ? (next() < 0.3 ? Math.round(latencyBase) : latencyBase + next() * 30) : null,
      });
      at += next() < 0.05 ? 0 : mean * (0.2 + next() * 1.6);
    }
    const status = kind === 0 ? 'unknown' : checks.at(-1)?.status === 'up' || next() < 0.1 ? 'up' : 'down';
    nodes.push({
      id: index + 1,
      ip: `198.18.${Math.floor(index / 250)}.${(index % 250) + 1}`,
      status,
      hidden: next() < 0.05,
      // Shared first_seen values exercise the id tie-break.
      firstSeen: new Date(Date.UTC(2026, 0, 1 + Math.floor(next() * 3))),
      checks,
    });
  }
  return nodes;
}

describe(`recomputeScores agrees with the TypeScript reference on ${testBackend()}`, () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
  });
  after(async () => {
    await database.close();
  });

  async function load(nodes: GeneratedNode[]): Promise<void> {
    const { sql } = database;
    await sql`truncate nodes restart identity cascade`;
    await sql`
      insert into nodes (ip, port, status, hidden, first_seen)
      select * from unnest(${pgArray(nodes.map((n) => n.ip))}::text[], ${pgArray(nodes.map(() => 8333))}::int[],
        ${pgArray(nodes.map((n) => n.status))}::text[], ${pgArray(nodes.map((n) => n.hidden))}::bool[],
        ${pgArray(nodes.map((n) => n.firstSeen.toISOString()))}::timestamptz[])`;
    const checks = nodes.flatMap((node) => node.checks.map((check) => ({ node, check }))).sort((a, b) => a.check.id - b.check.id);
    // Checks keep their ids so ties in time break the same way in SQL and TypeScript.
    await sql`
      insert into node_checks (id, node_id, checked_at, status, latency_ms) overriding system value
      select * from unnest(${pgArray(checks.map((c) => c.check.id))}::bigint[], ${pgArray(checks.map((c) => c.node.id))}::bigint[],
        ${pgArray(checks.map((c) => c.check.checkedAt.toISOString()))}::timestamptz[], ${pgArray(checks.map((c) => c.check.status))}::text[],
        ${pgArray(checks.map((c) => (c.check.latencyMs === null ? null : String(c.check.latencyMs))))}::float8[])`;
  }

  for (const seed of [1, 2, 3]) {
    it(`matches uptime, reliability, latency, PIX, tier and rank (seed ${seed})`, async () => {
      const { sql } = database;
      const nodes = generateNodes(seed, 150);
      await load(nodes);
      await recomputeScores(sql, { now: NOW });
      const expected = scoreNodes(nodes, NOW);
      const rows = await sql<
        {
          id: string;
          uptime_percentage: number | null;
          uptime_observed_hours: number | null;
          reliability: number | null;
          median_latency_ms: number | null;
          pix_score: number | null;
          tier: string | null;
          rank: number | null;
        }[]
      >`select id, uptime_percentage, uptime_observed_hours, reliability, median_latency_ms, pix_score, tier, rank from nodes order by id`;
      assert.equal(rows.length, nodes.length);
      const close = (actual: number | null, wanted: number | null, what: string) => {
        if (wanted === null || actual === null) return assert.equal(actual, wanted, what);
        assert.ok(Math.abs(actual - wanted) <= 1e-9 * Math.max(1, Math.abs(wanted)), `${what}: ${actual} vs ${wanted}`);
      };
      let ranked = 0;
      const tiers = new Set<string | null>();
      for (const row of rows) {
        const want = expected.get(row.id)!;
        const what = `node ${row.id} (seed ${seed})`;
        close(row.uptime_percentage, want.uptimePercentage, `${what} uptime`);
        close(row.uptime_observed_hours, want.observedHours, `${what} observed hours`);
        close(row.reliability, want.reliability, `${what} reliability`);
        close(row.median_latency_ms, want.medianLatencyMs, `${what} median latency`);
        close(row.pix_score, want.pix, `${what} pix`);
        assert.equal(row.tier, want.tier, `${what} tier`);
        assert.equal(row.rank, want.rank, `${what} rank`);
        if (row.rank !== null) ranked++;
        tiers.add(row.tier);
      }
      assert.ok(ranked > 10, 'the data set ranks a fair number of nodes');
      assert.ok(tiers.has(null) && tiers.has('standard') && tiers.size >= 4, `varied tiers: ${[...tiers].join(', ')}`);
    });
  }

  it('writes nothing when a second pass finds nothing changed', async () => {
    const { sql } = database;
    const nodes = generateNodes(9, 40);
    await load(nodes);
    const first = await recomputeScores(sql, { now: NOW });
    const second = await recomputeScores(sql, { now: NOW });
    assert.ok(first.updated > 0);
    assert.equal(second.updated, 0);
  });

  it('clears scores of nodes whose checks were all removed', async () => {
    const { sql } = database;
    const nodes = generateNodes(4, 20);
    await load(nodes);
    await recomputeScores(sql, { now: NOW });
    await sql`delete from node_checks`;
    await recomputeScores(sql, { now: NOW });
    const [row] = await sql`select count(*)::int as scored from nodes where pix_score is not null or tier is not null or rank is not null or uptime_percentage is not null`;
    assert.equal(row!.scored, 0);
  });
});
