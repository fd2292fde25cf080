import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedDemoHistory } from '../../lib/demo/history';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

describe(`demo history for the simulated peers on ${testBackend()}`, () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
  });
  after(async () => {
    await database?.close();
  });

  it('gives every simulated peer days of checks, scores and snapshots, once', async () => {
    const keys = [
      ...Array.from({ length: 60 }, (_, i) => `81.2.${i}.12:8333`),
      '[2001:41d0::4900:0:db23:f0f8]:8333',
      '95.216.48.99:18444',
    ];
    const now = new Date('2026-11-25T12:00:00Z');
    const result = await seedDemoHistory(database.sql, keys, { days: 3, now });
    assert.ok(result);
    assert.equal(result.nodes, keys.length);

    const nodes = await database.sql<{ ip: string; port: number; network: string; tier: string | null; checks: number; last_checked: Date }[]>`
      select n.ip, n.port, n.network, n.tier, n.last_checked,
             (select count(*)::int from node_checks c where c.node_id = n.id) as checks
      from nodes n order by n.id`;
    assert.deepEqual(
      nodes.map((node) => (node.network === 'ipv6' ? `[${node.ip}]:${node.port}` : `${node.ip}:${node.port}`)),
      keys,
      'the nodes are the simulated peers, addresses and ports as advertised',
    );
    assert.equal(nodes.find((node) => node.ip.includes(':'))?.network, 'ipv6');
    const withHistory = nodes.filter((node) => node.checks >= 3 * 24 - 1);
    assert.ok(withHistory.length >= keys.length * 0.9, `most peers have a check every hour for 3 days (${withHistory.length})`);
    assert.ok(new Set(nodes.map((node) => node.tier).filter(Boolean)).size >= 3, 'tiers differ from the first minute');
    assert.ok(nodes.every((node) => node.last_checked.getTime() <= now.getTime()), 'the history ends at now, so the first pass probes every peer');

    const [snapshots] = await database.sql<{ n: number; oldest: Date }[]>`select count(*)::int as n, min(taken_at) as oldest from network_snapshots`;
    assert.ok(snapshots!.n >= 3 * 4, `a snapshot every 6 hours (${snapshots!.n})`);
    assert.ok(now.getTime() - snapshots!.oldest.getTime() >= 3 * 86_400_000 - 6 * 3_600_000);

    assert.equal(await seedDemoHistory(database.sql, keys), null, 'a demo started before keeps its own history');
  });
});
