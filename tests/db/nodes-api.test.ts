import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GET as getNodes, OPTIONS as optionsNodes } from '../../app/api/nodes.json/route';
import { GET as getNode } from '../../app/api/nodes/[id]/route';
import { context, insertNode, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

const PUBLIC_CACHE = 'public, s-maxage=60, stale-while-revalidate=120';

describe(`GET /api/nodes.json on ${testBackend()}`, () => {
  let database: TestDatabase;
  const ids: Record<string, string> = {};
  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    database = await openMigratedTestDatabase();
    const { sql } = database;
    const t = (minutes: number) => new Date(Date.UTC(2026, 10, 24, 12, minutes));
    ids.a = await insertNode(sql, { ip: '203.0.113.1', country: 'DE', country_name: 'Germany', tier: 'diamond', pix_score: 900, uptime_percentage: 99.9, protocol_version: 70016, user_agent: '/Satoshi:27.0.0/', services: '1033', height: 870000, last_seen: t(10), first_seen: t(0), connected_since: t(1), verified: true, rank: 1 });
    ids.b = await insertNode(sql, { ip: '203.0.113.2', country: 'DE', country_name: 'Germany', tier: 'gold', pix_score: 700, uptime_percentage: 95, protocol_version: 70016, user_agent: '/Satoshi:26.1.0/', services: '18446744073709551615', height: 869990, last_seen: t(20), first_seen: t(1), rank: 2 });
    ids.c = await insertNode(sql, { ip: '2001:db8::1', country: 'US', country_name: 'United States', tier: 'gold', pix_score: 700, uptime_percentage: null, protocol_version: 70015, user_agent: '/Dingocoin:1.18.0/', services: '0', height: 869000, last_seen: t(20), first_seen: t(2), rank: 3 });
    ids.d = await insertNode(sql, { ip: '203.0.113.4', status: 'down', country: 'FR', tier: 'standard', pix_score: null, last_seen: null, first_seen: t(3), user_agent: '/Satoshi:25.0.0/' });
    ids.hidden = await insertNode(sql, { ip: '203.0.113.5', country: 'DE', tier: 'diamond', pix_score: 999, hidden: true, last_seen: t(30), first_seen: t(4), height: 999999 });
    await useDatabaseForRoutes(database.url);
  });
  after(async () => {
    await releaseRoutes();
    await database.close();
  });

  const fetchNodes = async (query = '', headers: Record<string, string> = {}) => {
    const response = await getNodes(request(`/api/nodes.json${query}`, headers));
    return { response, body: (await response.json()) as any };
  };

  it('returns the documented shape, never hidden nodes, with services as 16 hex digits and IPv6 keys bracketed', async () => {
    const { response, body } = await fetchNodes();
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(body), ['timestamp', 'total_nodes', 'latest_height', 'nodes', 'pagination']);
    assert.ok(Number.isInteger(body.timestamp) && body.timestamp > 1_700_000_000 && body.timestamp < 4_000_000_000);
    assert.equal(body.total_nodes, 4, 'visible nodes matching the (empty) filters');
    assert.equal(body.latest_height, 870000, 'the hidden node height is ignored');
    assert.deepEqual(body.pagination, { page: 1, limit: 100, total: 4, total_pages: 1 });
    assert.ok(!('203.0.113.5:8333' in body.nodes));
    const a = body.nodes['203.0.113.1:8333'];
    assert.deepEqual(Object.keys(a), [
      'protocol_version', 'user_agent', 'connected_since', 'services', 'height', 'hostname', 'city', 'country',
      'country_name', 'latitude', 'longitude', 'timezone', 'asn', 'organization_name', 'isp', 'status', 'last_seen',
      'latency_ms', 'uptime_percentage', 'reliability', 'tier', 'pix_score', 'rank', 'is_verified', 'tips_enabled',
      'version_status',
    ]);
    assert.equal(a.services, '0000000000000409');
    assert.equal(a.last_seen, Date.UTC(2026, 10, 24, 12, 10) / 1000);
    assert.equal(a.connected_since, Date.UTC(2026, 10, 24, 12, 1) / 1000);
    assert.equal(a.is_verified, true);
    assert.equal(body.nodes['203.0.113.2:8333'].services, 'ffffffffffffffff');
    assert.equal(body.nodes['[2001:db8::1]:8333'].services, '0000000000000000');
    assert.equal(response.headers.get('cache-control'), PUBLIC_CACHE);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.equal(response.headers.get('x-ratelimit-limit'), '60');
    assert.equal(response.headers.get('x-ratelimit-remaining'), '59');
    assert.match(response.headers.get('x-ratelimit-reset') ?? '', /^\d{10}$/);
  });

  it('sorts by last_seen desc by default with nulls last and id breaking ties', async () => {
    const { body } = await fetchNodes();
    assert.deepEqual(Object.keys(body.nodes), ['203.0.113.2:8333', '[2001:db8::1]:8333', '203.0.113.1:8333', '203.0.113.4:8333']);
    const asc = await fetchNodes('?order=asc');
    assert.deepEqual(Object.keys(asc.body.nodes), ['203.0.113.1:8333', '203.0.113.2:8333', '[2001:db8::1]:8333', '203.0.113.4:8333']);
  });

  it('sorts by each documented field', async () => {
    const keys = async (query: string) => Object.keys((await fetchNodes(query)).body.nodes);
    assert.deepEqual(await keys('?sort=pix_score'), ['203.0.113.1:8333', '203.0.113.2:8333', '[2001:db8::1]:8333', '203.0.113.4:8333']);
    assert.deepEqual(await keys('?sort=pix_score&order=asc'), ['203.0.113.2:8333', '[2001:db8::1]:8333', '203.0.113.1:8333', '203.0.113.4:8333']);
    assert.deepEqual(await keys('?sort=tier'), ['203.0.113.1:8333', '203.0.113.2:8333', '[2001:db8::1]:8333', '203.0.113.4:8333']);
    assert.deepEqual(await keys('?sort=tier&order=asc'), ['203.0.113.4:8333', '203.0.113.2:8333', '[2001:db8::1]:8333', '203.0.113.1:8333']);
    assert.deepEqual(await keys('?sort=first_seen'), ['203.0.113.4:8333', '[2001:db8::1]:8333', '203.0.113.2:8333', '203.0.113.1:8333']);
    assert.deepEqual(await keys('?sort=uptime_percentage&order=desc'), ['203.0.113.1:8333', '203.0.113.2:8333', '[2001:db8::1]:8333', '203.0.113.4:8333']);
  });

  it('filters by country, tier, version, verified and online', async () => {
    const keys = async (query: string) => Object.keys((await fetchNodes(query)).body.nodes).sort();
    assert.deepEqual(await keys('?country=de'), ['203.0.113.1:8333', '203.0.113.2:8333']);
    assert.deepEqual(await keys('?tier=gold'), ['203.0.113.2:8333', '[2001:db8::1]:8333']);
    assert.deepEqual(await keys('?version=70015'), ['[2001:db8::1]:8333']);
    assert.deepEqual(await keys('?version=satoshi:2'), ['203.0.113.1:8333', '203.0.113.2:8333', '203.0.113.4:8333']);
    assert.deepEqual(await keys('?version=%25'), [], 'LIKE wildcards match literally');
    assert.deepEqual(await keys('?verified=true'), ['203.0.113.1:8333']);
    assert.deepEqual(await keys('?verified=false').then((k) => k.length), 3);
    assert.deepEqual(await keys('?online=false'), ['203.0.113.4:8333']);
    assert.deepEqual(await keys('?online=true&country=DE&tier=diamond'), ['203.0.113.1:8333']);
    const { body } = await fetchNodes('?country=DE');
    assert.equal(body.pagination.total, 2);
    assert.equal(body.total_nodes, 2, 'total_nodes equals pagination.total for the same filters');
  });

  it('pages deterministically, past the end and at the maximum limit', async () => {
    const first = await fetchNodes('?limit=3&page=1');
    const second = await fetchNodes('?limit=3&page=2');
    assert.deepEqual(first.body.pagination, { page: 1, limit: 3, total: 4, total_pages: 2 });
    assert.deepEqual(Object.keys(second.body.nodes), ['203.0.113.4:8333']);
    const beyond = await fetchNodes('?limit=3&page=9');
    assert.equal(beyond.response.status, 200);
    assert.deepEqual(beyond.body.nodes, {});
    assert.deepEqual(beyond.body.pagination, { page: 9, limit: 3, total: 4, total_pages: 2 });
    const max = await fetchNodes('?limit=500');
    assert.equal(max.response.status, 200);
    assert.equal(max.body.pagination.limit, 500);
  });

  it('rejects invalid parameters with 400 and the error headers; ignores unknown ones', async () => {
    for (const query of ['?limit=501', '?limit=0', '?page=0', '?page=x', '?tier=platinum', '?sort=height', '?order=up', '?country=DEU', '?online=maybe']) {
      const { response, body } = await fetchNodes(query);
      assert.equal(response.status, 400, query);
      assert.equal(body.error, 'Invalid query parameters');
      assert.match(body.details, /^Validation failed: \w+: /, query);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.ok(response.headers.get('x-ratelimit-limit'));
    }
    const tier = await fetchNodes('?tier=platinum');
    assert.match(tier.body.details, /^Validation failed: tier: /);
    const unknown = await fetchNodes('?cachebuster=1');
    assert.equal(unknown.response.status, 200);
  });

  it('accepts the context Next.js passes to routes without dynamic segments (params resolving to undefined)', async () => {
    const response = await getNodes(request('/api/nodes.json'), { params: Promise.resolve(undefined as never) });
    assert.equal(response.status, 200);
  });

  it('answers CORS preflight', async () => {
    const response = optionsNodes();
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /X-API-Key/);
  });

  it('GET /api/nodes/{id} by numeric id and by ip-port, 404 for hidden or unknown, 400 for garbage', async () => {
    const byId = await getNode(request(`/api/nodes/${ids.a}`), context({ id: ids.a! }));
    assert.equal(byId.status, 200);
    const node = (await byId.json()) as any;
    assert.equal(node.address, '203.0.113.1:8333');
    assert.equal(node.id, ids.a, 'ids are strings');
    assert.equal(node.services, '0000000000000409');
    const v6 = await getNode(request('/api/nodes/2001:db8:0::1-8333'), context({ id: '2001:db8:0::1-8333' }));
    assert.equal(((await v6.json()) as any).address, '[2001:db8::1]:8333');
    const bracketed = await getNode(request('/x'), context({ id: '[2001:db8::1]-8333' }));
    assert.equal(bracketed.status, 200);
    const hidden = await getNode(request('/x'), context({ id: '203.0.113.5-8333' }));
    assert.equal(hidden.status, 404);
    assert.deepEqual(Object.keys((await hidden.json()) as object), ['error', 'details']);
    assert.equal(hidden.headers.get('access-control-allow-origin'), '*');
    const bad = await getNode(request('/x'), context({ id: 'not-a-node' }));
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as any).details, /^Validation failed: id: /);
    const badPort = await getNode(request('/x'), context({ id: '203.0.113.1-70000' }));
    assert.equal(badPort.status, 400);
  });
});
