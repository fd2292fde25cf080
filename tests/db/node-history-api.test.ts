import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GET as getLeaderboard } from '../../app/api/leaderboard/route';
import { GET as getDowntimes } from '../../app/api/nodes/[id]/downtimes/route';
import { GET as getChecks } from '../../app/api/nodes/[id]/snapshots/route';
import { GET as getLatency } from '../../app/api/v1/nodes/[address]/latency/route';
import { GET as getBitnodesNode } from '../../app/api/v1/nodes/[address]/route';
import { GET as getBitnodesLeaderboard } from '../../app/api/v1/nodes/leaderboard/route';
import { GET as getBitnodesRanking } from '../../app/api/v1/nodes/leaderboard/[address]/route';
import { GET as getAddresses } from '../../app/api/v1/addresses/route';
import { getNodeDowntimes } from '../../lib/api/history';
import { context, insertNode, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

describe(`node history, downtimes, leaderboards and Bitnodes nodes on ${testBackend()}`, () => {
  let database: TestDatabase;
  let nodeId: string;
  const base = Date.UTC(2026, 10, 20, 0, 0) / 1000;
  // up, up, down, down, up, down(ongoing) at 10-minute steps
  const statuses = ['up', 'up', 'down', 'down', 'up', 'down'] as const;

  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    database = await openMigratedTestDatabase();
    const { sql } = database;
    nodeId = await insertNode(sql, { ip: '2001:db8::7', port: 22556, rank: 2, pix_score: 812.34567, tier: 'gold', country: 'NL', services: '5', protocol_version: 70015, user_agent: '/Shibetoshi:1.14.9/', height: 5000000, asn: 1136, verified: true });
    await insertNode(sql, { ip: '203.0.113.20', rank: 1, pix_score: 900, tier: 'diamond' });
    await insertNode(sql, { ip: '203.0.113.21', rank: 3, status: 'down' });
    await insertNode(sql, { ip: '203.0.113.22', rank: 4, hidden: true });
    for (const [index, status] of statuses.entries()) {
      await sql`insert into node_checks (node_id, checked_at, status, latency_ms, services)
        values (${nodeId}, ${new Date((base + index * 600) * 1000)}, ${status}, ${status === 'up' ? 40 + index : null}, ${'1033'})`;
    }
    await useDatabaseForRoutes(database.url);
  });
  after(async () => {
    await releaseRoutes();
    await database.close();
  });

  it('derives down periods from checks, newest first, paged jqGrid-style', async () => {
    const now = new Date((base + 3600) * 1000);
    const all = await getNodeDowntimes(database.sql, nodeId, { page: 1, rowsperpage: 20 }, now);
    assert.deepEqual(all, {
      page: 1, total: 1, rowsperpage: 20, records: 2,
      rows: [
        { start: base + 3000, end: null, duration: 600 },
        { start: base + 1200, end: base + 2400, duration: 1200 },
      ],
    });
    const response = await getDowntimes(request('/x?rowsperpage=1&page=2'), context({ id: '2001:db8::7-22556' }));
    const body = (await response.json()) as any;
    assert.deepEqual({ ...body, rows: undefined }, { page: 2, total: 2, rowsperpage: 1, records: 2, rows: undefined });
    assert.deepEqual(body.rows, [{ start: base + 1200, end: base + 2400, duration: 1200 }]);
    assert.equal((await getDowntimes(request('/x?rowsperpage=101'), context({ id: nodeId }))).status, 400);
    assert.equal((await getDowntimes(request('/x'), context({ id: '999999' }))).status, 404);
  });

  it('serves the probe history newest first within from/to', async () => {
    const response = await getChecks(request(`/x?from=${base + 600}&to=${base + 1800}&limit=2`), context({ id: nodeId }));
    assert.equal(response.status, 200);
    const body = (await response.json()) as any;
    assert.equal(body.node, '[2001:db8::7]:22556');
    assert.deepEqual(body.pagination, { page: 1, limit: 2, total: 3, total_pages: 2 });
    assert.deepEqual(body.checks.map((c: any) => [c.checked_at, c.status]), [[base + 1800, 'down'], [base + 1200, 'down']]);
    assert.equal(body.checks[0].services, '0000000000000409');
    const reversed = await getChecks(request(`/x?from=${base + 1800}&to=${base}`), context({ id: nodeId }));
    assert.equal(reversed.status, 400);
    assert.match(((await reversed.json()) as any).details, /from: from must not be after to/);
  });

  it('ranks online visible nodes on /api/leaderboard and /api/v1/nodes/leaderboard/', async () => {
    const body = (await (await getLeaderboard(request('/api/leaderboard'))).json()) as any;
    assert.deepEqual(body.nodes.map((n: any) => [n.rank, n.address]), [[1, '203.0.113.20:8333'], [2, '[2001:db8::7]:22556']]);
    assert.deepEqual(body.pagination, { page: 1, limit: 100, total: 2, total_pages: 1 });
    const v1 = (await (await getBitnodesLeaderboard(request('/api/v1/nodes/leaderboard/?limit=1'))).json()) as any;
    assert.equal(v1.count, 2);
    assert.equal(v1.next, 'http://localhost/api/v1/nodes/leaderboard/?page=2&limit=1');
    assert.deepEqual(Object.keys(v1.results[0]), [
      'node', 'vi', 'si', 'hi', 'ai', 'pi', 'dli', 'dui', 'wli', 'wui', 'mli', 'mui', 'nsi', 'ni', 'bi', 'peer_index', 'rank',
      'tier', 'uptime_percentage', 'latency_ms',
    ], "Bitnodes' keys in Bitnodes' order, then Peerscope's");
    assert.deepEqual(
      { ...v1.results[0], dli: undefined, dui: undefined, wli: undefined, wui: undefined, mli: undefined, mui: undefined },
      {
        node: '203.0.113.20:8333', vi: '1.0000', si: '0.0000', hi: '0.0000', ai: '1.0000', pi: '1.0000',
        dli: undefined, dui: undefined, wli: undefined, wui: undefined, mli: undefined, mui: undefined,
        nsi: '0.0000', ni: '1.0000', bi: '0.0000', peer_index: '2.8571', rank: 1, tier: 'diamond', uptime_percentage: null, latency_ms: null,
      },
      'no services: si 0; no height: hi 0; alone in its (unknown) ASN and on IPv4; on the default port 8333; no speed or block data; peer_index = 4/14 × 10',
    );
    const second = (await (await getBitnodesLeaderboard(request('/api/v1/nodes/leaderboard/?limit=1&page=2'))).json()) as any;
    const doge = second.results[0];
    assert.deepEqual([doge.node, doge.vi, doge.si, doge.hi, doge.ai, doge.pi], ['[2001:db8::7]:22556', '1.0000', '1.0000', '1.0000', '1.0000', '0.0000']);
    for (const key of ['dli', 'dui', 'wli', 'wui', 'mli', 'mui']) assert.match(doge[key], /^[01]\.\d{4}$/, key);
  });

  it('builds Bitnodes links on the request host or PUBLIC_BASE_URL, never a hard-wired localhost', async () => {
    const viaHost = (await (await getBitnodesLeaderboard(request('/api/v1/nodes/leaderboard/?limit=1', { host: 'nodes.example.org:8443', 'x-forwarded-proto': 'https' }))).json()) as any;
    assert.equal(viaHost.next, 'https://nodes.example.org:8443/api/v1/nodes/leaderboard/?page=2&limit=1');
    const crafted = (await (await getBitnodesLeaderboard(request('/api/v1/nodes/leaderboard/?limit=1', { host: 'evil.example/x?' }))).json()) as any;
    assert.equal(crafted.next, 'http://localhost/api/v1/nodes/leaderboard/?page=2&limit=1', 'a host with a path is ignored');
    process.env.PUBLIC_BASE_URL = 'https://explorer.example.com';
    try {
      const configured = (await (await getBitnodesLeaderboard(request('/api/v1/nodes/leaderboard/?limit=1', { host: 'other.example' }))).json()) as any;
      assert.equal(configured.next, 'https://explorer.example.com/api/v1/nodes/leaderboard/?page=2&limit=1');
    } finally {
      delete process.env.PUBLIC_BASE_URL;
    }
  });

  it('GET /api/v1/nodes/leaderboard/<ip>-<port>/ answers one ranked node; 404 when unranked or unknown', async () => {
    const response = await getBitnodesRanking(request('/x'), context({ address: '203.0.113.20-8333' }));
    assert.equal(response.status, 200);
    const body = (await response.json()) as any;
    assert.deepEqual([body.node, body.rank, body.peer_index], ['203.0.113.20:8333', 1, '2.8571']);
    assert.equal((await getBitnodesRanking(request('/x'), context({ address: '203.0.113.21-8333' }))).status, 404, 'down');
    assert.equal((await getBitnodesRanking(request('/x'), context({ address: '203.0.113.99-8333' }))).status, 404);
    assert.equal((await getBitnodesRanking(request('/x'), context({ address: 'nonsense' }))).status, 400);
  });

  it('GET /api/v1/addresses/ pages every observed address; q is a bounded literal pattern with ^ and $ anchors', async () => {
    const all = (await (await getAddresses(request('/api/v1/addresses/?limit=2'))).json()) as any;
    assert.deepEqual(Object.keys(all), ['count', 'next', 'previous', 'results']);
    assert.equal(all.count, 3, 'up and down nodes, not moderated ones');
    assert.deepEqual(all.results, [{ address: '2001:db8::7', port: 22556 }, { address: '203.0.113.20', port: 8333 }]);
    assert.equal(all.next, 'http://localhost/api/v1/addresses/?page=2&limit=2');
    const q = async (pattern: string) => (await (await getAddresses(request(`/api/v1/addresses/?q=${encodeURIComponent(pattern)}`))).json()) as any;
    assert.deepEqual((await q('^2001')).results.map((r: any) => r.address), ['2001:db8::7']);
    assert.deepEqual((await q('.21')).results.map((r: any) => r.address), ['203.0.113.21']);
    assert.deepEqual((await q('.2$')).results.map((r: any) => r.address), [], 'anchored at the end');
    assert.equal((await q('113.2')).count, 2);
    const paged = (await (await getAddresses(request('/api/v1/addresses/?q=113&limit=1'))).json()) as any;
    assert.equal(paged.next, 'http://localhost/api/v1/addresses/?q=113&page=2&limit=1', 'q is kept in the links');
    for (const bad of ['(a+)+$', "1' or '1'='1", '%', '_', 'a'.repeat(65), '^', '\\d']) {
      const response = await getAddresses(request(`/api/v1/addresses/?q=${encodeURIComponent(bad)}`));
      assert.equal(response.status, 400, bad);
      assert.match(((await response.json()) as any).details, /^Validation failed: q: /);
    }
  });

  it('serves a Bitnodes node by <ip>-<port>, IPv6 unbracketed as Bitnodes writes it', async () => {
    const response = await getBitnodesNode(request('/x'), context({ address: '2001:db8::7-22556' }));
    assert.equal(response.status, 200);
    const body = (await response.json()) as any;
    assert.deepEqual(body, {
      hostname: '', address: '2001:db8::7', status: 'UP',
      data: [70015, '/Shibetoshi:1.14.9/', null, 5, 5000000, null, null, 'NL', 0, 0, null, 'AS1136', null],
      bitcoin_address: '', url: '', verified: true, mbps: '',
    });
    assert.equal((await getBitnodesNode(request('/x'), context({ address: '203.0.113.22-8333' }))).status, 404, 'hidden');
    assert.equal((await getBitnodesNode(request('/x'), context({ address: '203.0.113.300-8333' }))).status, 400);
  });

  it('serves latency series from checks at Bitnodes spacing; -1 marks buckets with only failures', async () => {
    await database.sql`insert into node_checks (node_id, checked_at, status, latency_ms) values
      (${nodeId}, now() - interval '30 minutes', 'up', 50), (${nodeId}, now() - interval '20 minutes', 'up', 70),
      (${nodeId}, now() - interval '3 hours', 'down', null)`;
    const response = await getLatency(request('/x'), context({ address: '[2001:db8::7]-22556' }));
    const body = (await response.json()) as any;
    assert.deepEqual(Object.keys(body), ['daily_latency', 'weekly_latency', 'monthly_latency']);
    assert.ok(body.daily_latency.length >= 2 && body.daily_latency.length <= 3);
    assert.equal(body.daily_latency[0].v, -1);
    assert.ok([50, 60, 70].includes(body.daily_latency.at(-1).v));
    assert.ok(body.monthly_latency.length >= 1);
    for (const point of body.daily_latency) assert.ok(Number.isInteger(point.t) && point.t % 900 === 0);
    for (const point of body.weekly_latency) assert.ok(point.t % 3600 === 0);
  });
});
