import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GET as getCountries } from '../../app/api/countries.json/route';
import { GET as cronGet, POST as cronPost } from '../../app/api/cron/snapshots/route';
import { GET as getStats } from '../../app/api/stats.json/route';
import { GET as getSnapshotAt } from '../../app/api/v1/snapshots/[timestamp]/route';
import { GET as getLatestSnapshot } from '../../app/api/v1/snapshots/latest/route';
import { GET as listSnapshots } from '../../app/api/v1/snapshots/route';
import { computeNetworkAggregates } from '../../lib/api/aggregates';
import { BITNODES_SNAPSHOT_FIELDS } from '../../lib/snapshots/bitnodes-format';
import { takeNetworkSnapshot } from '../../lib/snapshots/take';
import { context, insertNode, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

const SECRET = 'cron-secret-for-tests-0123456789';

describe(`stats, countries, snapshots and cron on ${testBackend()}`, () => {
  let database: TestDatabase;
  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    database = await openMigratedTestDatabase();
    const { sql } = database;
    await insertNode(sql, { ip: '203.0.113.1', country: 'DE', country_name: 'Germany', tier: 'diamond', pix_score: 900, uptime_percentage: 100, latency_ms: 10, user_agent: '/Satoshi:27.0.0/', height: 100, services: '1033', protocol_version: 70016, connected_since: new Date(1_700_000_000_000), latitude: 52.5, longitude: 13.4, asn: 3320 });
    await insertNode(sql, { ip: '203.0.113.2', country: 'DE', country_name: 'Germany', tier: 'gold', pix_score: 700, uptime_percentage: 90, latency_ms: 30, user_agent: '/Satoshi:27.0.0/', height: 101 });
    await insertNode(sql, { ip: '2001:db8::2', country: 'US', country_name: 'United States', tier: 'gold', pix_score: 500, uptime_percentage: 80, latency_ms: 50, user_agent: '/Satoshi:26.0.0/', height: 99 });
    await insertNode(sql, { ip: '203.0.113.4', status: 'down', country: 'FR', country_name: 'France', tier: 'standard', user_agent: '/Satoshi:25.0.0/', height: 500 });
    await insertNode(sql, { ip: '203.0.113.5', country: null, tier: null, user_agent: null, height: 98 });
    await insertNode(sql, { ip: '203.0.113.6', country: 'JP', tier: 'diamond', hidden: true, height: 1000 });
    await useDatabaseForRoutes(database.url);
  });
  after(async () => {
    delete process.env.CRON_SECRET;
    await releaseRoutes();
    await database.close();
  });

  it('aggregates visible nodes: counts, height, averages and distributions of online nodes', async () => {
    const aggregates = await computeNetworkAggregates(database.sql);
    assert.equal(aggregates.totalNodes, 5);
    assert.equal(aggregates.onlineNodes, 4);
    assert.equal(aggregates.latestHeight, 101);
    assert.equal(aggregates.averageLatencyMs, 30);
    assert.equal(aggregates.averageUptime, 90);
    assert.deepEqual(aggregates.versions, { '/Satoshi:27.0.0/': 2, '/Satoshi:26.0.0/': 1, unknown: 1 });
    assert.deepEqual(aggregates.countries, { DE: 2, US: 1, unknown: 1 });
    assert.deepEqual(aggregates.tiers, { gold: 2, diamond: 1, unknown: 1 });
  });

  it('GET /api/stats.json shows live aggregates and snapshot history', async () => {
    const before = await getStats(request('/api/stats.json'));
    const empty = (await before.json()) as any;
    assert.deepEqual(empty.historical_data, []);
    assert.equal(empty.network_health.last_snapshot, null);
    await takeNetworkSnapshot(database.sql, { now: new Date(Date.now() - 3600_000), passDurationMs: 1234 });
    await takeNetworkSnapshot(database.sql, { now: new Date(Date.now() - 60_000) });
    await database.sql`insert into network_snapshots (taken_at, total_nodes, online_nodes) values (now() - interval '30 days', 1, 1)`;
    const response = await getStats(request('/api/stats.json?days=7'));
    assert.equal(response.status, 200);
    const body = (await response.json()) as any;
    assert.deepEqual(Object.keys(body), ['timestamp', 'total_nodes', 'online_nodes', 'latest_height', 'versions', 'countries_distribution', 'tiers_distribution', 'network_health', 'historical_data']);
    assert.equal(body.total_nodes, 5);
    assert.equal(body.latest_height, 101);
    assert.deepEqual(body.countries_distribution, { DE: 2, US: 1, unknown: 1 });
    assert.equal(body.network_health.online_percentage, 80);
    assert.equal(body.network_health.countries, 2);
    assert.equal(body.historical_data.length, 2, 'the 30-day-old snapshot is outside 7 days');
    assert.ok(body.historical_data[0].timestamp < body.historical_data[1].timestamp, 'oldest first');
    assert.equal(body.historical_data[1].online_nodes, 4);
    assert.equal(body.historical_data[1].average_latency_ms, 30);
    assert.equal((await getStats(request('/api/stats.json?days=91'))).status, 400);
  });

  it('GET /api/countries.json counts, sorts and averages per country', async () => {
    const response = await getCountries(request('/api/countries.json'));
    const body = (await response.json()) as any;
    assert.equal(body.online_only, true);
    assert.equal(body.total_nodes, 3);
    assert.deepEqual(body.countries.map((c: any) => c.code), ['DE', 'US']);
    const de = body.countries[0];
    assert.deepEqual(de, {
      code: 'DE', name: 'Germany', count: 2, percentage: 66.67,
      tiers: { diamond: 1, gold: 1, silver: 0, bronze: 0, standard: 0 },
      average_latency_ms: 20, average_uptime_percentage: 95, average_pix_score: 800,
    });
    const all = (await (await getCountries(request('/api/countries.json?online_only=false&sort=name'))).json()) as any;
    assert.deepEqual(all.countries.map((c: any) => c.code), ['FR', 'DE', 'US'], 'France, Germany, United States');
    const byCode = (await (await getCountries(request('/api/countries.json?online_only=0&sort=code&order=desc'))).json()) as any;
    assert.deepEqual(byCode.countries.map((c: any) => c.code), ['US', 'FR', 'DE']);
    const countAsc = (await (await getCountries(request('/api/countries.json?sort=count&order=asc'))).json()) as any;
    assert.deepEqual(countAsc.countries.map((c: any) => c.code), ['US', 'DE']);
    const bad = await getCountries(request('/api/countries.json?sort=population'));
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as any).details, /^Validation failed: sort: /);
  });

  it('stores the Bitnodes nodes map of online visible nodes in snapshots', async () => {
    const snapshot = await takeNetworkSnapshot(database.sql, { now: new Date('2026-11-24T12:00:00.500Z') });
    assert.equal(snapshot.onlineNodes, 4);
    const [row] = await database.sql<{ nodes: Record<string, unknown[]>; versions: object; pass_duration_ms: number | null }[]>`
      select nodes, versions, pass_duration_ms from network_snapshots where id = ${snapshot.id}`;
    assert.deepEqual(Object.keys(row!.nodes).sort(), ['203.0.113.1:8333', '203.0.113.2:8333', '203.0.113.5:8333', '[2001:db8::2]:8333']);
    const a = row!.nodes['203.0.113.1:8333']!;
    assert.equal(a.length, BITNODES_SNAPSHOT_FIELDS.length);
    assert.deepEqual(a, [70016, '/Satoshi:27.0.0/', 1_700_000_000, 1033, 100, null, null, 'DE', 52.5, 13.4, null, 'AS3320', null]);
    assert.equal(row!.pass_duration_ms, null);
  });

  it('serves Bitnodes v1 snapshot list, latest and by timestamp', async () => {
    const list = await listSnapshots(request('/api/v1/snapshots/?limit=2'));
    const body = (await list.json()) as any;
    assert.equal(body.count, 4);
    assert.equal(body.previous, null);
    assert.equal(body.next, 'http://localhost/api/v1/snapshots/?page=2&limit=2');
    assert.equal(body.results.length, 2);
    assert.deepEqual(Object.keys(body.results[0]), ['url', 'timestamp', 'total_nodes', 'latest_height']);
    assert.equal(body.results[0].url, `http://localhost/api/v1/snapshots/${body.results[0].timestamp}/`);
    const last = (await (await listSnapshots(request('/api/v1/snapshots/?limit=2&page=2'))).json()) as any;
    assert.equal(last.next, null);
    assert.equal(last.previous, 'http://localhost/api/v1/snapshots/?page=1&limit=2');

    const latest = (await (await getLatestSnapshot(request('/api/v1/snapshots/latest/'))).json()) as any;
    assert.deepEqual(Object.keys(latest), ['timestamp', 'total_nodes', 'latest_height', 'nodes']);
    const at = await getSnapshotAt(request('/x'), context({ timestamp: '1795521600' }));
    assert.equal(at.status, 200);
    const atBody = (await at.json()) as any;
    assert.equal(atBody.timestamp, 1795521600);
    assert.equal(Object.keys(atBody.nodes).length, 4);
    const coords = (await (await getSnapshotAt(request('/x?field=coordinates'), context({ timestamp: '1795521600' }))).json()) as any;
    assert.deepEqual(coords.coordinates, [[52.5, 13.4]]);
    const agents = (await (await getSnapshotAt(request('/x?field=user_agents'), context({ timestamp: '1795521600' }))).json()) as any;
    assert.equal(agents.user_agents.length, 4);
    assert.equal((await getSnapshotAt(request('/x'), context({ timestamp: '1795521601' }))).status, 404);
    assert.equal((await getSnapshotAt(request('/x'), context({ timestamp: 'yesterday' }))).status, 400);
    assert.equal((await getSnapshotAt(request('/x?field=everything'), context({ timestamp: '1795521600' }))).status, 400);
  });

  it('guards /api/cron/snapshots with CRON_SECRET: 503 unset, 401 wrong, 200 right', async () => {
    const call = (handler: typeof cronGet, authorization?: string) =>
      handler(new Request('http://localhost/api/cron/snapshots', { method: 'POST', headers: authorization ? { authorization } : {} }));
    delete process.env.CRON_SECRET;
    const unset = await call(cronGet, `Bearer ${SECRET}`);
    assert.equal(unset.status, 503);
    assert.equal(((await unset.json()) as any).error, 'Cron disabled');
    process.env.CRON_SECRET = SECRET;
    assert.equal((await call(cronGet)).status, 401);
    const wrong = await call(cronPost, 'Bearer wrong-secret');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('access-control-allow-origin'), '*');
    const before = await database.sql<{ n: number }[]>`select count(*)::int as n from network_snapshots`;
    const ok = await call(cronPost, `Bearer ${SECRET}`);
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as any;
    assert.equal(body.online_nodes, 4);
    const afterCount = await database.sql<{ n: number }[]>`select count(*)::int as n from network_snapshots`;
    assert.equal(afterCount[0]!.n, before[0]!.n + 1);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
  });
});
