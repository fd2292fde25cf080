import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GET as getCountries } from '../../app/api/countries.json/route';
import { GET as cronGet, POST as cronPost } from '../../app/api/cron/snapshots/route';
import { GET as getHealth } from '../../app/api/health/route';
import { GET as getNodes } from '../../app/api/nodes.json/route';
import { GET as getStats } from '../../app/api/stats.json/route';
import { closeSql } from '../../lib/db/client';
import { takeNetworkSnapshot } from '../../lib/snapshots/take';
import { releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { assertMatchesContract, specExample } from '../helpers/contract';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

/**
 * The spec's JSON examples (tests/fixtures/spec) held against the live routes: same
 * keys at every level, same JSON types. Every node field is filled, so a field that
 * turns null, changes type or is renamed fails here.
 */
describe(`public API contract (spec examples) on ${testBackend()}`, () => {
  let database: TestDatabase;
  const SECRET = 'cron-secret-for-contract-tests-0123';

  const node = (ip: string, patch: Record<string, unknown> = {}) => ({
    ip, port: 33117, network: 'ipv4', status: 'up', protocol_version: 70015, user_agent: '/Dingocoin:1.16.0/',
    connected_since: new Date('2026-11-20T00:00:00Z'), services: '1', height: 5678901, hostname: 'node.example.net',
    city: 'San Francisco', country: 'US', country_name: 'United States', latitude: 37.774929, longitude: -122.419416,
    timezone: 'America/Los_Angeles', asn: 15169, organization_name: 'Google LLC', isp: null,
    last_seen: new Date('2026-11-25T00:00:00Z'), latency_ms: 45.2, uptime_percentage: 99.8, reliability: 98.5,
    tier: 'diamond', pix_score: 965.3000000000001, rank: 1, verified: true, tips_enabled: true, hidden: false,
    ...patch,
  });

  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    database = await openMigratedTestDatabase();
    const { sql } = database;
    const rows = [
      node('203.0.113.1'),
      node('203.0.113.2', { country: 'DE', country_name: 'Germany', city: 'Berlin', timezone: 'Europe/Berlin', tier: 'gold', pix_score: 920.04, rank: 2, isp: 'Deutsche Telekom AG' }),
      node('203.0.113.3', { status: 'down', tier: 'standard', rank: null, verified: false, tips_enabled: false, user_agent: '/Dingocoin:1.15.0/' }),
      // One peer lying about its height must not move latest_height.
      node('203.0.113.4', { height: 99_999_999, rank: 3, pix_score: 900.5, tier: 'silver' }),
    ];
    for (const row of rows) await sql`insert into nodes ${sql(row as never)}`;
    await takeNetworkSnapshot(sql, { now: new Date(Date.now() - 3_600_000) });
    await useDatabaseForRoutes(database.url);
  });
  after(async () => {
    delete process.env.CRON_SECRET;
    await releaseRoutes();
    await database.close();
  });

  const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as any });

  it('GET /api/nodes.json matches the spec example', async () => {
    const { status, body } = await json(await getNodes(request('/api/nodes.json?limit=50')));
    assert.equal(status, 200);
    // A node that is down has no rank (docs/scoring.md): the one documented null.
    // Extension (issue 17): nodes.*.version_status.
    assertMatchesContract(specExample('nodes.json'), body, { maps: ['nodes'], nullable: ['nodes.*.rank'], extensible: ['nodes.*'] }, 'nodes.json');
    const us = body.nodes['203.0.113.1:33117'];
    assert.equal(us.asn, 'AS15169');
    assert.equal(us.isp, 'Google LLC', 'isp falls back to the ASN organisation');
    assert.equal(body.nodes['203.0.113.2:33117'].isp, 'Deutsche Telekom AG');
    assert.equal(us.pix_score, 965.3);
    assert.equal(body.nodes['203.0.113.2:33117'].pix_score, 920);
    assert.deepEqual([us.latitude, us.longitude], [37.7749, -122.4194]);
    assert.equal(body.latest_height, 5678901, 'the most common height; the lying peer is ignored');
    const filtered = (await json(await getNodes(request('/api/nodes.json?country=US&online=true')))).body;
    assert.equal(filtered.total_nodes, filtered.pagination.total);
    assert.equal(filtered.total_nodes, 2);
  });

  it('GET /api/stats.json matches the spec example', async () => {
    const { status, body } = await json(await getStats(request('/api/stats.json')));
    assert.equal(status, 200);
    // Extensions: the breakdowns of issue 15 (tests/db/stats-breakdowns.test.ts) and status_distribution, version_status_distribution, version_classes (issue 17).
    assertMatchesContract(specExample('stats.json'), body, { maps: ['versions', 'countries_distribution'], extensible: [''] }, 'stats.json');
    assert.deepEqual(Object.keys(body.status_distribution), ['up', 'reachable', 'down', 'unknown']);
    assert.deepEqual(Object.keys(body.version_status_distribution), ['current', 'outdated', 'critical', 'unknown']);
    assert.deepEqual(Object.keys(body.tiers_distribution), ['diamond', 'gold', 'silver', 'bronze', 'standard']);
    assert.equal(body.latest_height, 5678901, 'the same consensus height as nodes.json');
    assert.deepEqual(body.countries_distribution.DE, { count: 1, name: 'Germany' });
    assert.equal(body.network_health.verified_nodes, 3);
    assert.equal(body.network_health.tips_enabled_nodes, 3);
  });

  it('GET /api/countries.json matches the spec example (plus average_pix_score per country)', async () => {
    const { status, body } = await json(await getCountries(request('/api/countries.json?online_only=false')));
    assert.equal(status, 200);
    assertMatchesContract(specExample('countries.json'), body, { extensible: ['countries[]'] }, 'countries.json');
    const us = body.countries.find((country: any) => country.code === 'US');
    assert.deepEqual([us.count, us.online_count, us.verified_count], [3, 2, 2]);
  });

  it('errors match the spec example, with the spec message for ?tier=invalid', async () => {
    const { status, body } = await json(await getNodes(request('/api/nodes.json?tier=invalid')));
    assert.equal(status, 400);
    assertMatchesContract(specExample('error'), body, {}, 'error');
    assertMatchesContract(specExample('error-invalid-query'), body, {}, 'error');
    assert.equal(body.error, 'Invalid query parameters');
    assert.match(body.details, /^Validation failed: tier: /);
  });

  it('GET /api/cron/snapshots and POST /api/cron/snapshots match the spec examples', async () => {
    const info = await json(await cronGet());
    assert.equal(info.status, 200);
    assertMatchesContract(specExample('cron-snapshots-get'), info.body, {}, 'GET /api/cron/snapshots');
    process.env.CRON_SECRET = SECRET;
    const created = await json(
      await cronPost(new Request('http://localhost/api/cron/snapshots', { method: 'POST', headers: { authorization: `Bearer ${SECRET}` } })),
    );
    assert.equal(created.status, 200);
    assertMatchesContract(specExample('cron-snapshots-post'), created.body, {}, 'POST /api/cron/snapshots');
  });

  it('GET /api/health matches the spec example (extras allowed), and answers 503 unhealthy without a database', async () => {
    const healthy = await json(await getHealth());
    assert.equal(healthy.status, 200, JSON.stringify(healthy.body));
    assertMatchesContract(specExample('health'), healthy.body, { extensible: [''] }, 'health');
    assert.equal(healthy.body.status, 'healthy');
    assert.equal(new Date(healthy.body.timestamp).toISOString(), healthy.body.timestamp);

    await closeSql();
    process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:1/none';
    try {
      const down = await json(await getHealth());
      assert.equal(down.status, 503);
      assertMatchesContract(specExample('health'), down.body, { extensible: [''] }, 'health (down)');
      assert.equal(down.body.status, 'unhealthy');
    } finally {
      await useDatabaseForRoutes(database.url);
    }
  });
});

describe(`ETag and If-None-Match on ${testBackend()}`, () => {
  let database: TestDatabase;
  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    database = await openMigratedTestDatabase();
    await database.sql`insert into nodes (ip, port, network, status, height) values ('203.0.113.9', 8333, 'ipv4', 'up', 10)`;
    await useDatabaseForRoutes(database.url);
  });
  after(async () => {
    await releaseRoutes();
    await database.close();
  });

  it('tags successful answers, answers 304 to a matching If-None-Match, and a new tag when the data changes', async () => {
    const first = await getNodes(request('/api/nodes.json'));
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', /^"[A-Za-z0-9_-]{32}"$/);
    assert.equal(first.headers.get('access-control-expose-headers')?.includes('ETag'), true);
    const again = await getNodes(request('/api/nodes.json', { 'if-none-match': `W/"other", ${etag}` }));
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    assert.equal(again.headers.get('etag'), etag);
    assert.equal(again.headers.get('cache-control'), 'public, s-maxage=60, stale-while-revalidate=120');
    assert.equal((await getNodes(request('/api/nodes.json', { 'if-none-match': '"stale"' }))).status, 200);
    assert.equal((await getNodes(request('/api/nodes.json?limit=5', { 'if-none-match': etag! }))).status, 200, 'another query, another tag');
    await database.sql`update nodes set height = 11`;
    const changed = await getNodes(request('/api/nodes.json', { 'if-none-match': etag! }));
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('etag'), etag);
    const error = await getNodes(request('/api/nodes.json?tier=x'));
    assert.equal(error.headers.get('etag'), null, 'errors carry no tag');
  });
});
