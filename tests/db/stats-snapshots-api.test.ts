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
    assert.deepEqual(aggregates.countryNames, { DE: 'Germany', US: 'United States' });
    assert.equal(aggregates.syncedPercentage, 100, 'every online height is within 6 blocks of 101');
  });

  it('GET /api/stats.json shows live aggregates and snapshot history', async () => {
    const before = await getStats(request('/api/stats.json'));
    const empty = (await before.json()) as any;
    assert.deepEqual(empty.historical_data, []);
    assert.equal(empty.network_health.health_score, 0.5 * 90 + 0.3 * 100 + 0.2 * 0, 'no reliability measured yet');
    await takeNetworkSnapshot(database.sql, { now: new Date(Date.now() - 3600_000), passDurationMs: 1234 });
    await takeNetworkSnapshot(database.sql, { now: new Date(Date.now() - 60_000) });
    await database.sql`insert into network_snapshots (taken_at, total_nodes, online_nodes) values (now() - interval '30 days', 1, 1)`;
    const response = await getStats(request('/api/stats.json?days=7'));
    assert.equal(response.status, 200);
    const body = (await response.json()) as any;
    assert.deepEqual(Object.keys(body), ['timestamp', 'total_nodes', 'available_nodes', 'countries', 'versions', 'countries_distribution', 'tiers_distribution', 'network_health', 'latest_height', 'historical_data',
      'status_distribution', 'version_status_distribution', 'version_classes']);
    assert.equal(body.total_nodes, 5);
    assert.equal(body.available_nodes, 4);
    assert.equal(body.countries, 2);
    assert.equal(body.latest_height, 101);
    assert.deepEqual(body.countries_distribution, { DE: { count: 2, name: 'Germany' }, US: { count: 1, name: 'United States' } });
    assert.deepEqual(body.tiers_distribution, { diamond: 1, gold: 2, silver: 0, bronze: 0, standard: 0 }, 'all five tiers, zeros included');
    assert.deepEqual(body.network_health, { health_score: 75, average_uptime: 90, average_latency: 30, verified_nodes: 0, tips_enabled_nodes: 0 });
    assert.equal(body.historical_data.length, 2, 'the 30-day-old snapshot is outside 7 days');
    assert.ok(body.historical_data[0].timestamp < body.historical_data[1].timestamp, 'oldest first');
    assert.deepEqual(body.historical_data[1], { timestamp: body.historical_data[1].timestamp, total_nodes: 5, available_nodes: 4, average_uptime: 90, countries: 2 });
    assert.equal((await getStats(request('/api/stats.json?days=91'))).status, 400);
  });

  it('GET /api/countries.json counts, sorts and averages per country', async () => {
    const response = await getCountries(request('/api/countries.json'));
    const body = (await response.json()) as any;
    assert.deepEqual(Object.keys(body), ['timestamp', 'total_countries', 'total_nodes', 'countries']);
    assert.equal(body.total_nodes, 3);
    assert.deepEqual(body.countries.map((c: any) => c.code), ['DE', 'US']);
    const de = body.countries[0];
    assert.deepEqual(de, {
      code: 'DE', name: 'Germany', count: 2, percentage: 66.7, online_count: 2, verified_count: 0,
      tiers: { diamond: 1, gold: 1, silver: 0, bronze: 0, standard: 0 },
      average_uptime: 95, average_latency: 20, average_pix_score: 800,
    });
    const all = (await (await getCountries(request('/api/countries.json?online_only=false&sort=name'))).json()) as any;
    assert.deepEqual(all.countries.map((c: any) => c.code), ['FR', 'DE', 'US'], 'France, Germany, United States');
    const fr = all.countries[0];
    assert.deepEqual([fr.count, fr.online_count], [1, 0], 'with online_only=false, online_count counts the up ones');
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
    assert.deepEqual(row!.nodes['203.0.113.2:8333']!.slice(8, 10), [0, 0], 'missing coordinates are 0.0, as Bitnodes');
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
    assert.deepEqual(coords.coordinates, [[52.5, 13.4], [0, 0]], 'unique pairs; missing coordinates are 0.0');
    const agents = (await (await getSnapshotAt(request('/x?field=user_agents'), context({ timestamp: '1795521600' }))).json()) as any;
    assert.deepEqual(agents.user_agents.sort(), ['', '/Satoshi:26.0.0/', '/Satoshi:27.0.0/'], 'unique user agents');
    assert.equal((await getSnapshotAt(request('/x'), context({ timestamp: '1795521601' }))).status, 404);
    assert.equal((await getSnapshotAt(request('/x'), context({ timestamp: 'yesterday' }))).status, 400);
    assert.equal((await getSnapshotAt(request('/x?field=everything'), context({ timestamp: '1795521600' }))).status, 400);
  });

  it('POST /api/cron/snapshots takes a snapshot with CRON_SECRET: 503 unset, 401 missing or wrong, 200 right', async () => {
    const call = (authorization?: string) =>
      cronPost(new Request('http://localhost/api/cron/snapshots', { method: 'POST', headers: authorization ? { authorization } : {} }));
    delete process.env.CRON_SECRET;
    const unset = await call(`Bearer ${SECRET}`);
    assert.equal(unset.status, 503);
    assert.equal(((await unset.json()) as any).error, 'Cron disabled');
    process.env.CRON_SECRET = SECRET;
    assert.equal((await call()).status, 401);
    const wrong = await call('Bearer wrong-secret');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('access-control-allow-origin'), '*');
    const before = await database.sql<{ n: number }[]>`select count(*)::int as n from network_snapshots`;
    const ok = await call(`Bearer ${SECRET}`);
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as any;
    assert.deepEqual(Object.keys(body), ['success', 'message', 'timestamp', 'totalNodes', 'onlineNodes']);
    assert.equal(body.success, true);
    assert.equal(new Date(body.timestamp).toISOString(), body.timestamp, 'an ISO timestamp');
    assert.deepEqual([body.totalNodes, body.onlineNodes], [5, 4]);
    const afterCount = await database.sql<{ n: number }[]>`select count(*)::int as n from network_snapshots`;
    assert.equal(afterCount[0]!.n, before[0]!.n + 1);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
  });

  it('GET /api/cron/snapshots needs no secret, reports the newest snapshot and never takes one', async () => {
    delete process.env.CRON_SECRET;
    const before = await database.sql<{ n: number; at: Date }[]>`select count(*)::int as n, max(taken_at) as at from network_snapshots`;
    const response = await cronGet();
    assert.equal(response.status, 200);
    const body = (await response.json()) as any;
    assert.deepEqual(body, { lastSnapshot: before[0]!.at.toISOString(), totalNodes: 5, onlineNodes: 4 });
    const afterCount = await database.sql<{ n: number }[]>`select count(*)::int as n from network_snapshots`;
    assert.equal(afterCount[0]!.n, before[0]!.n, 'no snapshot taken');
  });

  it('serves stats.json and countries.json from the aggregates of the newest snapshot until the next one', async () => {
    const stats = async () => (await (await getStats(request('/api/stats.json'))).json()) as any;
    const countries = async () => (await (await getCountries(request('/api/countries.json'))).json()) as any;
    const before = await stats();
    const countriesBefore = await countries();
    await insertNode(database.sql, { ip: '203.0.113.77', country: 'IT', country_name: 'Italy', user_agent: '/Satoshi:27.0.0/', height: 101 });
    assert.equal((await stats()).available_nodes, before.available_nodes, 'no aggregate work per request');
    assert.deepEqual((await countries()).countries, countriesBefore.countries);
    await takeNetworkSnapshot(database.sql, { now: new Date() });
    const after = await stats();
    assert.equal(after.available_nodes, before.available_nodes + 1);
    assert.deepEqual(after.countries_distribution.IT, { count: 1, name: 'Italy' });
    assert.ok((await countries()).countries.some((country: any) => country.code === 'IT'));
  });
});
