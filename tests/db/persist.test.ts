import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  BACKOFF_MAX_MS,
  backoffDelayMs,
  nodesDueForProbe,
  pruneChecks,
  pruneNeverReached,
  recomputeScores,
  recordProbeResults,
} from '../../lib/crawler/persist';
import { UPTIME_MAX_GAP_MS } from '../../lib/crawler/measure/windows';
import type { PeerAddress, ProbeResult } from '../../lib/crawler/types';
import type { GeoInfo, GeoLookup } from '../../lib/geo/types';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

const T0 = new Date('2026-11-20T00:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const address = (host: string, port = 8333): PeerAddress => ({ host, port, network: host.includes(':') ? 'ipv6' : 'ipv4' });

function up(host: string, minutes: number, patch: Partial<ProbeResult> = {}): ProbeResult {
  return {
    address: address(host),
    checkedAt: at(minutes),
    ok: true,
    latencyMs: 80,
    pingMs: 30,
    version: {
      protocolVersion: 70016,
      services: 1033n,
      userAgent: '/Satoshi:27.0.0/',
      startHeight: 870_000 + minutes,
      relay: true,
      timestamp: Math.floor(at(minutes).getTime() / 1000),
    },
    learned: [],
    ...patch,
  };
}

function down(host: string, minutes: number, error = 'ECONNREFUSED'): ProbeResult {
  return { address: address(host), checkedAt: at(minutes), ok: false, error, learned: [] };
}

interface NodeRow {
  id: string;
  status: string;
  connected_since: Date | null;
  consecutive_failures: number;
  last_seen: Date | null;
  last_checked: Date | null;
  first_seen: Date;
  height: number | null;
  services: string | null;
  latency_ms: number | null;
  user_agent: string | null;
  source: string;
  country: string | null;
  asn: number | null;
}

describe(`recordProbeResults on ${testBackend()}`, () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
  });
  after(async () => {
    await database.close();
  });
  beforeEach(async () => {
    await database.sql`truncate nodes restart identity cascade`;
  });

  const node = async (host: string, port = 8333): Promise<NodeRow> => {
    const [row] = await database.sql<NodeRow[]>`select * from nodes where ip = ${host} and port = ${port}`;
    assert.ok(row, `node ${host}:${port} exists`);
    return row;
  };
  const record = (results: ProbeResult[], minutes: number, geo?: GeoLookup) =>
    recordProbeResults(database.sql, results, { now: at(minutes), geo });

  it('stores an up result with its handshake facts and a check row', async () => {
    const summary = await record([up('203.0.113.1', 0)], 0);
    assert.deepEqual(
      { probed: summary.probedNodes, added: summary.newProbedNodes, checks: summary.checks },
      { probed: 1, added: 1, checks: 1 },
    );
    const row = await node('203.0.113.1');
    assert.equal(row.status, 'up');
    assert.equal(row.services, '1033');
    assert.equal(row.user_agent, '/Satoshi:27.0.0/');
    assert.equal(row.height, 870_000);
    assert.equal(row.latency_ms, 30, 'the ping round trip is the latency when measured');
    assert.deepEqual(row.last_seen, at(0));
    assert.deepEqual(row.connected_since, at(0));
    assert.deepEqual(row.first_seen, at(0));
    assert.equal(row.consecutive_failures, 0);
    const checks = await database.sql`select status, latency_ms, services, height, error from node_checks where node_id = ${row.id}`;
    assert.deepEqual([...checks], [{ status: 'up', latency_ms: 30, services: '1033', height: 870_000, error: null }]);
  });

  it('keeps connected_since while up, clears it when down and sets it anew when back', async () => {
    await record([up('203.0.113.2', 0)], 0);
    await record([up('203.0.113.2', 10)], 10);
    assert.deepEqual((await node('203.0.113.2')).connected_since, at(0));
    await record([down('203.0.113.2', 20)], 20);
    let row = await node('203.0.113.2');
    assert.equal(row.status, 'down');
    assert.equal(row.connected_since, null);
    assert.equal(row.consecutive_failures, 1);
    assert.deepEqual(row.last_seen, at(10), 'last_seen is the last success');
    assert.equal(row.height, 870_010, 'handshake facts of the last success are kept');
    await record([down('203.0.113.2', 30)], 30);
    assert.equal((await node('203.0.113.2')).consecutive_failures, 2);
    await record([up('203.0.113.2', 40)], 40);
    row = await node('203.0.113.2');
    assert.deepEqual(row.connected_since, at(40));
    assert.equal(row.consecutive_failures, 0);
  });

  it('applies several results for one address in time order within a batch', async () => {
    await record([up('203.0.113.3', 0)], 0);
    await record([up('203.0.113.3', 30), down('203.0.113.3', 10), up('203.0.113.3', 20)], 30);
    let row = await node('203.0.113.3');
    assert.equal(row.status, 'up');
    assert.deepEqual(row.connected_since, at(20), 'the outage inside the batch restarts connected_since');
    await record([down('203.0.113.3', 40), down('203.0.113.3', 50)], 50);
    row = await node('203.0.113.3');
    assert.equal(row.consecutive_failures, 2);
    await record([down('203.0.113.3', 60), up('203.0.113.3', 70), down('203.0.113.3', 80)], 80);
    assert.equal((await node('203.0.113.3')).consecutive_failures, 1, 'only failures after the last success count');
    const [count] = await database.sql`select count(*)::int as n from node_checks`;
    assert.equal(count!.n, 9, 'one check row per result');
  });

  it('stores an unknown address that fails as down without moving first_seen later', async () => {
    await record([down('203.0.113.4', 5)], 5);
    let row = await node('203.0.113.4');
    assert.equal(row.status, 'down');
    assert.equal(row.consecutive_failures, 1);
    assert.deepEqual(row.first_seen, at(5));
    assert.equal(row.last_seen, null);
    await record([down('203.0.113.4', 15)], 15);
    row = await node('203.0.113.4');
    assert.deepEqual(row.first_seen, at(5));
    assert.equal(row.consecutive_failures, 2);
  });

  it('does not roll a node back for a result older than its last check', async () => {
    await record([up('203.0.113.5', 20)], 20);
    await record([down('203.0.113.5', 10)], 20);
    const row = await node('203.0.113.5');
    assert.equal(row.status, 'up');
    assert.deepEqual(row.last_checked, at(20));
    const [count] = await database.sql`select count(*)::int as n from node_checks`;
    assert.equal(count!.n, 2, 'the late result is still history');
  });

  it('adds learned addresses as unknown discovered nodes without overwriting known ones', async () => {
    await record([up('203.0.113.6', 0)], 0);
    await database.sql`update nodes set source = 'seed' where ip = '203.0.113.6'`;
    const summary = await record(
      [
        up('203.0.113.7', 10, {
          learned: [
            address('203.0.113.6'),
            address('198.51.100.1'),
            address('2001:db8::1'),
            { host: 'abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcd.onion', port: 8333, network: 'onion' },
            { host: '198.51.100.2', port: 0, network: 'ipv4' },
          ],
        }),
        up('203.0.113.8', 10, { learned: [address('198.51.100.1'), address('203.0.113.7')] }),
      ],
      10,
    );
    assert.equal(summary.learnedNodes, 3);
    assert.equal(summary.rejectedLearned, 1, 'port 0 is dropped');
    const known = await node('203.0.113.6');
    assert.equal(known.status, 'up');
    assert.equal(known.source, 'seed');
    assert.deepEqual(known.first_seen, at(0));
    const learned = await node('198.51.100.1');
    assert.equal(learned.status, 'unknown');
    assert.equal(learned.source, 'discovered');
    assert.equal(learned.last_checked, null);
    assert.equal((await node('203.0.113.7')).status, 'up', 'an address both probed and gossiped keeps its probe result');
    const [onion] = await database.sql`select network from nodes where ip like '%.onion'`;
    assert.equal(onion!.network, 'onion');
  });

  it('fills geo for new nodes and leaves fresh geo alone', async () => {
    const calls: string[] = [];
    const geo: GeoLookup = {
      lookup(host) {
        calls.push(host);
        return {
          city: 'Testville',
          region: null,
          country: 'NL',
          country_name: 'Netherlands',
          latitude: 52.1,
          longitude: 4.3,
          timezone: 'Europe/Amsterdam',
          asn: 64500 + calls.length,
          organization_name: 'Example BV',
          isp: null,
        } satisfies GeoInfo;
      },
    };
    await record([up('203.0.113.9', 0, { learned: [address('198.51.100.9')] })], 0, geo);
    const probed = await node('203.0.113.9');
    assert.equal(probed.country, 'NL');
    const asnAfterFirst = probed.asn;
    assert.equal((await node('198.51.100.9')).country, 'NL');
    await record([up('203.0.113.9', 10)], 10, geo);
    assert.equal((await node('203.0.113.9')).asn, asnAfterFirst, 'geo is not rewritten while fresh');
    await record([up('203.0.113.10', 20)], 20);
    assert.equal((await node('203.0.113.10')).country, null, 'without a geo lookup nothing is filled');
  });

  it('stores 5,000 results with gossip in one call', async () => {
    const results = Array.from({ length: 5000 }, (_, i) => {
      const host = `10.${Math.floor(i / 250)}.${i % 250}.1`;
      return i % 5 === 0
        ? down(host, 0)
        : up(host, 0, { learned: [address(`100.64.${Math.floor(i / 250)}.${i % 250}`), address(`10.0.0.1`, 9000)] });
    });
    const summary = await record(results, 1);
    assert.equal(summary.probedNodes, 5000);
    assert.equal(summary.newProbedNodes, 5000);
    assert.equal(summary.checks, 5000);
    assert.equal(summary.learnedNodes, 4001);
    const [counts] = await database.sql`
      select count(*) filter (where status = 'up')::int as up, count(*) filter (where status = 'down')::int as down,
             count(*) filter (where status = 'unknown')::int as unknown from nodes`;
    assert.deepEqual({ ...counts }, { up: 4000, down: 1000, unknown: 4001 });
  });
});

describe(`uptime fairness through the database on ${testBackend()}`, () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
  });
  after(async () => {
    await database.close();
  });

  it('shows ~50% for a node down half the time that is probed rarely while down', async () => {
    const host = '203.0.113.50';
    const results: ProbeResult[] = [];
    // Seven days: up for 12 h probed every 10 min, then down for 12 h probed on the backoff schedule.
    for (let day = 0; day < 7; day++) {
      const start = day * 24 * 60;
      for (let m = 0; m < 12 * 60; m += 10) results.push(up(host, start + m));
      let m = 12 * 60;
      for (let failures = 0; m < 24 * 60; failures++) {
        results.push(down(host, start + m));
        m += Math.max(10, backoffDelayMs(failures + 1) / 60_000);
      }
    }
    await recordProbeResults(database.sql, results, { now: at(7 * 24 * 60) });
    await recomputeScores(database.sql, { now: at(7 * 24 * 60) });
    const [row] = await database.sql<{ uptime_percentage: number; reliability: number }[]>`
      select uptime_percentage, reliability from nodes where ip = ${host}`;
    assert.ok(Math.abs(row!.uptime_percentage - 50) < 1, `uptime ${row!.uptime_percentage}`);
    assert.ok(row!.reliability > 80, 'probe counts alone would have flattered it');
  });

  it('keeps the backoff shorter than the uptime gap cap', () => {
    assert.ok(BACKOFF_MAX_MS < UPTIME_MAX_GAP_MS);
  });
});

describe(`nodesDueForProbe and pruneChecks on ${testBackend()}`, () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
  });
  after(async () => {
    await database.close();
  });

  it('lists never-probed nodes first, then the longest unprobed, honouring backoff and recheck', async () => {
    const { sql } = database;
    const now = at(24 * 60);
    await sql`
      insert into nodes (ip, port, network, last_checked, consecutive_failures) values
        ('203.0.113.20', 8333, 'ipv4', null, 0),
        ('203.0.113.21', 8333, 'ipv4', ${at(0)}, 0),
        ('203.0.113.22', 8333, 'ipv4', ${at(60)}, 2),
        ('203.0.113.23', 8333, 'ipv4', ${at(24 * 60 - 20)}, 3),
        ('203.0.113.24', 8333, 'ipv4', ${at(24 * 60 - 14)}, 3),
        ('203.0.113.25', 8333, 'ipv4', ${at(24 * 60 - 5 * 60)}, 50),
        ('203.0.113.26', 8333, 'ipv4', ${at(24 * 60 - 7 * 60)}, 50),
        ('203.0.113.27', 8333, 'ipv4', ${at(24 * 60 - 2)}, 0),
        ('abcdefghijklmnop.onion', 8333, 'onion', null, 0)`;
    const due = await nodesDueForProbe(sql, { limit: 100, now });
    assert.deepEqual(
      due.map((node) => node.address.host),
      ['203.0.113.20', 'abcdefghijklmnop.onion', '203.0.113.21', '203.0.113.22', '203.0.113.26', '203.0.113.23'],
    );
    const limited = await nodesDueForProbe(sql, { limit: 2, now, networks: ['ipv4'] });
    assert.deepEqual(limited.map((node) => node.address.host), ['203.0.113.20', '203.0.113.21']);
    assert.equal((await nodesDueForProbe(sql, { limit: 100, now, minRecheckMs: 0 })).length, 7);
  });

  it('computes the documented backoff schedule', () => {
    assert.deepEqual(
      [0, 2, 3, 4, 5, 6, 7, 8, 1000].map((failures) => backoffDelayMs(failures) / 60_000),
      [0, 0, 15, 30, 60, 120, 240, 360, 360],
    );
  });

  it('prunes checks older than the cutoff only', async () => {
    const { sql } = database;
    await recordProbeResults(sql, [up('203.0.113.30', 0), up('203.0.113.30', 100), up('203.0.113.30', 200)], { now: at(200) });
    assert.equal(await pruneChecks(sql, { olderThan: at(150) }), 2);
    const rows = await sql`select checked_at from node_checks`;
    assert.deepEqual(rows.map((row) => row.checked_at), [at(200)]);
    assert.equal(await pruneChecks(sql, { olderThan: at(150) }), 0);
  });

  it('prunes gossiped addresses never reached after K attempts over D days, and nothing else', async () => {
    const { sql } = database;
    const now = at(10 * 24 * 60);
    const old = at(0);
    const recent = at(10 * 24 * 60 - 60);
    await sql`
      insert into nodes (ip, port, network, source, first_seen, last_seen, consecutive_failures) values
        ('198.51.100.1', 8333, 'ipv4', 'discovered', ${old}, null, 5),
        ('198.51.100.2', 8333, 'ipv4', 'discovered', ${old}, null, 4),
        ('198.51.100.3', 8333, 'ipv4', 'discovered', ${recent}, null, 9),
        ('198.51.100.4', 8333, 'ipv4', 'discovered', ${old}, ${old}, 50),
        ('198.51.100.5', 8333, 'ipv4', 'registered', ${old}, null, 50),
        ('198.51.100.6', 8333, 'ipv4', 'discovered', ${old}, null, 50)`;
    await recordProbeResults(sql, [down('198.51.100.6', 10 * 24 * 60 - 5)], { now });
    await sql`update nodes set last_seen = null, consecutive_failures = 51 where ip = '198.51.100.6'`;
    assert.ok((await pruneNeverReached(sql, { now, attempts: 5, days: 3 })) >= 2); // also earlier tests' dead rows
    const left = await sql<{ ip: string }[]>`select ip from nodes where ip like '198.51.100.%' order by ip`;
    assert.deepEqual(left.map((row) => row.ip), ['198.51.100.2', '198.51.100.3', '198.51.100.4', '198.51.100.5']);
    const [checks] = await sql<{ n: number }[]>`select count(*)::int as n from node_checks c join nodes n on n.id = c.node_id where n.ip = '198.51.100.6'`;
    assert.equal(checks!.n, 0, 'its checks went with it');
  });
});
