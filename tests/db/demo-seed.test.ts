import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedDemoNetwork } from '../../lib/demo/seed';
import { computePix, computeTier } from '../../lib/scoring';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';

const now = new Date('2026-11-20T12:00:00Z');

describe('seedDemoNetwork', () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
  });
  after(async () => {
    await database.close();
  });

  it('inserts realistic nodes, checks and snapshots', { timeout: 120_000 }, async () => {
    const { sql } = database;
    const started = Date.now();
    const result = await seedDemoNetwork(sql, { nodes: 400, days: 3, seed: 7, historyNodes: 50, now });
    console.log(`seeded 400 nodes in ${Date.now() - started} ms`);
    assert.equal(result.nodes, 400);
    assert.equal(result.nodeIds.length, 400);
    assert.ok(result.online > 280 && result.online < 380, `online ${result.online}`);
    const [nodes] = await sql<{ countries: number; versions: number; tiers: number; located: number; ranked: number; unranked_up: number }[]>`
      select count(distinct country)::int as countries, count(distinct user_agent)::int as versions,
             count(distinct tier)::int as tiers, count(*) filter (where latitude is not null)::int as located,
             count(rank)::int as ranked, count(*) filter (where status = 'up' and rank is null)::int as unranked_up
      from nodes`;
    assert.ok(nodes!.countries >= 15, `countries ${nodes!.countries}`);
    assert.ok(nodes!.versions >= 8);
    assert.equal(nodes!.tiers, 5);
    assert.equal(nodes!.located, 400);
    assert.equal(nodes!.ranked, result.online);
    assert.equal(nodes!.unranked_up, 0);
    // Hourly checks for 3 days for the 50 first nodes that are not 'unknown', with some outages.
    const [checks] = await sql<{ nodes: number; total: number; down: number }[]>`
      select count(distinct node_id)::int as nodes, count(*)::int as total, count(*) filter (where status = 'down')::int as down
      from node_checks`;
    assert.equal(checks!.total, result.checks);
    assert.ok(checks!.nodes >= 45 && checks!.nodes <= 50);
    assert.equal(checks!.total, checks!.nodes * (3 * 24 + 1));
    assert.ok(checks!.down > 0 && checks!.down < checks!.total / 2);
    // A snapshot every 6 hours plus the current one.
    assert.equal(result.snapshots, 3 * 4 + 1);
    const [latest] = await sql<{ online_nodes: number; taken_at: Date }[]>`select online_nodes, taken_at from network_snapshots order by taken_at desc limit 1`;
    assert.equal(latest!.online_nodes, result.online);
    assert.equal(latest!.taken_at.getTime(), now.getTime());
  });

  it('is deterministic: the same seed gives the same nodes, another seed others', { timeout: 120_000 }, async () => {
    const { sql } = database;
    const fingerprint = async () => {
      const [row] = await sql<{ digest: string }[]>`
        select md5(string_agg(concat_ws('|', ip, port, status, user_agent, country, latitude, pix_score, tier, rank), ',' order by ip, port)) as digest
        from nodes`;
      return row!.digest;
    };
    const first = await fingerprint();
    await sql`truncate nodes, network_snapshots cascade`;
    await seedDemoNetwork(sql, { nodes: 400, days: 3, seed: 7, historyNodes: 50, now });
    assert.equal(await fingerprint(), first);
    await sql`truncate nodes, network_snapshots cascade`;
    await seedDemoNetwork(sql, { nodes: 400, days: 3, seed: 8, historyNodes: 0, now });
    assert.notEqual(await fingerprint(), first);
  });

  it('rejects bad options', async () => {
    await assert.rejects(seedDemoNetwork(database.sql, { nodes: 0 }), /nodes/);
  });

  it('scores seeded nodes with the one PIX and tier definition', async () => {
    const rows = await database.sql<
      { status: string; uptime: number | null; reliability: number | null; latency: number | null; observed: number | null; pix: number | null; tier: string | null }[]
    >`select status, uptime_percentage as uptime, reliability, median_latency_ms as latency, uptime_observed_hours as observed,
             pix_score as pix, tier from nodes`;
    assert.ok(rows.length > 0);
    const tiers = new Set<string>();
    for (const row of rows) {
      if (row.uptime === null || row.reliability === null) {
        assert.equal(row.tier, null);
        continue;
      }
      const pix = computePix({ uptimePercentage: row.uptime, reliability: row.reliability, latencyMs: row.latency });
      assert.ok(Math.abs(row.pix! - pix) < 1e-9, `pix ${row.pix} vs ${pix}`);
      const tier = computeTier({ pix, uptimePercentage: row.uptime, latencyMs: row.latency, isUp: row.status === 'up', observedHours: row.observed ?? 0 });
      assert.equal(row.tier, tier);
      tiers.add(tier);
    }
    assert.ok(tiers.size >= 3, `a demo shows several tiers, got ${[...tiers].join(', ')}`);
  });
});
