import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { DELETE as deleteBan, GET as listBans, POST as postBan } from '../../app/api/admin/bans/route';
import { GET as publicBans } from '../../app/api/banned/route';
import { POST as checkRoute } from '../../app/api/check/route';
import { GET as getNodes } from '../../app/api/nodes.json/route';
import { GET as getNode } from '../../app/api/nodes/[id]/route';
import { POST as registerRoute } from '../../app/api/nodes/register/route';
import { GET as getStats } from '../../app/api/stats.json/route';
import { GET as getCountries } from '../../app/api/countries.json/route';
import { GET as getLeaderboard } from '../../app/api/leaderboard/route';
import { GET as getLatestSnapshot } from '../../app/api/v1/snapshots/latest/route';
import { refreshNodeLists } from '../../lib/bans/apply';
import { banRefusal } from '../../lib/bans/deny-list';
import { clearSnapshotCache } from '../../lib/api/snapshot-cache';
import { nodesDueForProbe } from '../../lib/crawler/persist';
import type { PeerAddress } from '../../lib/crawler/types';
import { setNodeProber } from '../../lib/nodes/prober';
import { takeNetworkSnapshot } from '../../lib/snapshots/take';
import { authed, createTestUser } from '../helpers/accounts';
import { context, fromAddress, freshIp, insertNode, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

describe(`ban, hide and deny lists on ${testBackend()}`, () => {
  let database: TestDatabase;
  let admin: { id: string; email: string; token: string };
  let user: { id: string; email: string; token: string };
  const ids: Record<string, string> = {};

  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    database = await openMigratedTestDatabase();
    const { sql } = database;
    admin = await createTestUser(sql, 'root@example.com', 'admin');
    user = await createTestUser(sql, 'someone@example.com');
    const seen = new Date(Date.now() - 60_000);
    ids.a = await insertNode(sql, { ip: '198.51.100.1', country: 'DE', country_name: 'Germany', asn: 64500, pix_score: 900, rank: 1, tier: 'gold', last_seen: seen });
    ids.b = await insertNode(sql, { ip: '198.51.100.2', country: 'DE', country_name: 'Germany', asn: 64500, pix_score: 800, rank: 2, tier: 'gold', last_seen: seen });
    ids.c = await insertNode(sql, { ip: '192.0.2.10', country: 'FR', country_name: 'France', asn: 64501, pix_score: 700, rank: 3, tier: 'silver', last_seen: seen });
    ids.d = await insertNode(sql, { ip: '2001:db8::7', country: 'US', country_name: 'United States', asn: 64502, pix_score: 600, rank: 4, tier: 'silver', last_seen: seen });
    await sql`insert into nodes (ip, port, network, status) values ('abcdefghijklmnop.onion', 8333, 'onion', 'up')`;
    // A snapshot with stored aggregates: stats.json and countries.json then serve from it (the cached path).
    await takeNetworkSnapshot(sql, { now: new Date() });
    await useDatabaseForRoutes(database.url);
  });
  afterEach(() => setNodeProber(undefined));
  after(async () => {
    delete process.env.PEERSCOPE_ALLOW_LOOPBACK_NODES;
    await releaseRoutes();
    await database.close();
  });

  const post = (body: unknown, token = admin.token) =>
    postBan(authed('/api/admin/bans', token, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) }), {});
  const lift = (id: unknown, token = admin.token) => deleteBan(authed('/api/admin/bans', token, { method: 'DELETE', body: JSON.stringify({ id }) }), {});
  const json = async (response: Response) => (await response.json()) as any;
  const publicTotals = async () => {
    clearSnapshotCache();
    const nodes = await json(await getNodes(request('/api/nodes.json?limit=100')));
    const stats = await json(await getStats(request('/api/stats.json')));
    const countries = await json(await getCountries(request('/api/countries.json')));
    const leaderboard = await json(await getLeaderboard(request('/api/leaderboard')));
    const snapshot = await json(await getLatestSnapshot(request('/api/v1/snapshots/latest/')));
    return {
      nodes: nodes.total_nodes as number,
      keys: Object.keys(nodes.nodes) as string[],
      stats: stats.total_nodes as number,
      statsOnline: stats.available_nodes as number,
      countries: countries.total_nodes as number,
      leaderboard: (leaderboard.nodes as { address: string }[]).map((n) => n.address),
      snapshotKeys: Object.keys(snapshot.nodes),
      snapshotTotal: snapshot.total_nodes as number,
    };
  };

  it('is for admins only: 401 anonymous, 403 for users, on every method', async () => {
    assert.equal((await listBans(new Request('http://127.0.0.1/api/admin/bans'), {})).status, 401);
    assert.equal((await listBans(authed('/api/admin/bans', user.token), {})).status, 403);
    assert.equal((await post({ node: ids.a, reason: 'x' }, user.token)).status, 403);
    assert.equal((await lift('1', user.token)).status, 403);
  });

  it('answers bad input with 400 (and an unknown node id with 404), never a 500', async () => {
    const cases: unknown[] = [
      {},
      { reason: 'no target' },
      { node: ids.a, cidr: '198.51.100.0/24', reason: 'two targets' },
      { cidr: 'not-a-range', reason: 'x' },
      { cidr: '10.0.0.0/4', reason: 'too broad' },
      { cidr: '2001:db8::/8', reason: 'too broad' },
      { asn: 'ASX', reason: 'x' },
      { asn: 0, reason: 'x' },
      { asn: 4_294_967_296, reason: 'x' },
      { node: 'nonsense', reason: 'x' },
      { node: ids.a, reason: '' },
      { node: ids.a, reason: 'x'.repeat(501) },
      { node: ids.a, reason: 'nul \u0000 byte' },
      { node: ids.a, reason: 'x', action: 'delete' },
      { node: ids.a, reason: 'x', expiresAt: new Date(Date.now() - 60_000).toISOString() },
      { node: ids.a, reason: 'x', expiresAt: 'tomorrow' },
      { node: ids.a, reason: 'x', extra: true },
      '{"node": 1, "reason": "x"',
      '[]',
    ];
    for (const body of cases) {
      const response = await post(body);
      assert.equal(response.status, 400, `${JSON.stringify(body)} → ${response.status}`);
      const error = await json(response);
      assert.ok(error.error && error.details, 'JSON {error, details}');
    }
    assert.equal((await post({ node: '999999', reason: 'unknown node id' })).status, 404);
    for (const id of ['', 'abc', '1; drop table nodes', '99999999999999999999', -1, 1.5, null, { id: 1 }]) {
      assert.equal((await lift(id)).status, 400, `DELETE {id: ${JSON.stringify(id)}}`);
    }
    assert.equal((await deleteBan(authed('/api/admin/bans', admin.token, { method: 'DELETE' }), {})).status, 400, 'no body');
    assert.equal((await lift('123456')).status, 404, 'no such active entry');
    assert.equal((await listBans(authed('/api/admin/bans?status=bogus', admin.token), {})).status, 400);
    const [count] = await database.sql<{ n: number }[]>`select count(*)::int as n from node_bans`;
    assert.equal(count!.n, 0, 'nothing was stored');
  });

  it('a banned node leaves every public list and total at once, audited; lifting brings it back', async () => {
    const before = await publicTotals();
    assert.equal(before.nodes, 5);
    assert.ok(before.keys.includes('198.51.100.1:8333'));
    assert.ok(before.snapshotKeys.includes('198.51.100.1:8333'));

    const created = await post({ node: '198.51.100.1-8333', reason: 'Sybil cluster', action: 'ban' });
    assert.equal(created.status, 201);
    const body = await json(created);
    assert.equal(body.affectedNodes, 1);
    assert.equal(body.ban.target, '198.51.100.1:8333');
    assert.equal(body.ban.targetType, 'node');
    assert.equal(body.ban.status, 'active');
    assert.equal(body.ban.createdBy.email, admin.email);

    const again = await post({ node: ids.a, reason: 'the same node again', action: 'ban' });
    assert.equal(again.status, 409, 'one active ban per target');
    assert.match((await json(again)).details, new RegExp(`id ${body.ban.id}`));

    const after = await publicTotals();
    assert.equal(after.nodes, before.nodes - 1, 'nodes.json total');
    assert.ok(!after.keys.includes('198.51.100.1:8333'));
    assert.equal(after.stats, before.stats - 1, 'stats.json total (stored aggregates refreshed)');
    assert.equal(after.statsOnline, before.statsOnline - 1);
    assert.equal(after.countries, before.countries - 1, 'countries.json total');
    assert.ok(!after.leaderboard.includes('198.51.100.1:8333'), 'leaderboard');
    assert.ok(!after.snapshotKeys.includes('198.51.100.1:8333'), 'v1 snapshot node map');
    assert.equal(after.snapshotTotal, before.snapshotTotal - 1);
    assert.equal((await getNode(request('/x'), context({ id: ids.a! }))).status, 404, 'node page API');

    const [flags] = await database.sql`select banned, hidden, list_hidden from nodes where id = ${ids.a!}`;
    assert.deepEqual({ ...flags }, { banned: true, hidden: true, list_hidden: true });
    const due = await nodesDueForProbe(database.sql, { limit: 100, now: new Date() });
    assert.ok(!due.some((node) => node.id === ids.a), 'the crawler never takes a banned node as due');

    const [entry] = await database.sql`select actor_id, action, target_type, target_id, details from admin_audit_log where action = 'node_list.ban'`;
    assert.equal(entry!.actor_id, admin.id);
    assert.equal(entry!.target_id, body.ban.id);
    assert.equal(entry!.details.reason, 'Sybil cluster');

    const lifted = await lift(body.ban.id);
    assert.equal(lifted.status, 200);
    assert.equal((await json(lifted)).ban.status, 'lifted');
    assert.equal((await lift(body.ban.id)).status, 404, 'lifting twice');
    const restored = await publicTotals();
    assert.equal(restored.nodes, before.nodes);
    assert.equal(restored.stats, before.stats);
    assert.ok(restored.snapshotKeys.includes('198.51.100.1:8333'));
    const [unflagged] = await database.sql`select banned, hidden, list_hidden from nodes where id = ${ids.a!}`;
    assert.deepEqual({ ...unflagged }, { banned: false, hidden: false, list_hidden: false });
    const actions = await database.sql`select action from admin_audit_log where target_type = 'node_ban' order by id`;
    assert.deepEqual(actions.map((row) => row.action), ['node_list.ban', 'node_list.lift']);
  });

  it('CIDR and ASN entries match through SQL (IPv4, IPv6), hides stay dialable, and overlapping entries combine', async () => {
    const hide = await json(await post({ cidr: '198.51.100.77/24', reason: 'Hosting range under review', action: 'hide' }));
    assert.equal(hide.ban.target, '198.51.100.0/24', 'normalised to the network address');
    assert.equal(hide.affectedNodes, 2);
    const asn = await json(await post({ asn: 'AS64500', reason: 'Abusive AS' }));
    assert.equal(asn.ban.target, 'AS64500');
    const v6 = await json(await post({ cidr: '2001:db8::/32', reason: 'v6 range' }));
    assert.equal(v6.affectedNodes, 1);
    const rows = await database.sql<{ ip: string; banned: boolean; hidden: boolean }[]>`select ip, banned, hidden from nodes where network <> 'onion' order by ip`;
    assert.deepEqual(
      rows.map((row) => [row.ip, row.banned, row.hidden]),
      [['192.0.2.10', false, false], ['198.51.100.1', true, true], ['198.51.100.2', true, true], ['2001:db8::7', true, true]],
    );
    // Lifting the ASN ban leaves the range hidden but dialable.
    await lift(asn.ban.id);
    const afterLift = await database.sql<{ banned: boolean; hidden: boolean }[]>`select banned, hidden from nodes where ip like '198.51.100.%'`;
    assert.ok(afterLift.every((row) => !row.banned && row.hidden));
    const due = await nodesDueForProbe(database.sql, { limit: 100, now: new Date() });
    assert.ok(due.some((node) => node.id === ids.a), 'a hidden node is still crawled');
    assert.ok(!due.some((node) => node.id === ids.d), 'a banned one is not');
    await lift(hide.ban.id);
    await lift(v6.ban.id);
    assert.equal((await publicTotals()).nodes, 5);
  });

  it('expired entries stop applying without anyone lifting them', async () => {
    const created = await json(await post({ node: ids.c, reason: 'for a moment', expiresAt: new Date(Date.now() + 60_000).toISOString() }));
    assert.equal((await publicTotals()).nodes, 4);
    // Time passes: move the entry into the past.
    await database.sql`update node_bans set created_at = now() - interval '2 hours', expires_at = now() - interval '1 second' where id = ${created.ban.id}`;
    const publicList = await json(await publicBans(request('/api/banned')));
    assert.ok(!publicList.bans.some((ban: { id: string }) => ban.id === created.ban.id), 'GET /api/banned drops it at once');
    assert.equal(await banRefusal(database.sql, { host: '192.0.2.10', port: 8333, network: 'ipv4' }), null, 'dialable again');
    assert.equal(await refreshNodeLists(database.sql), 1, 'the next refresh (each crawl pass and monitor sync) clears the flags');
    assert.equal((await publicTotals()).nodes, 5);
    const expired = await json(await listBans(authed('/api/admin/bans?status=expired', admin.token), {}));
    assert.deepEqual(expired.bans.map((ban: { id: string; status: string }) => [ban.id, ban.status]), [[created.ban.id, 'expired']]);
    assert.equal(expired.pagination.total, 1);
  });

  it('GET /api/banned lists active entries with reasons and nothing about the admins', async () => {
    const ban = await json(await post({ asn: 64501, reason: 'Spam relays' }));
    const hide = await json(await post({ node: 'abcdefghijklmnop.onion-8333', reason: 'Impersonation', action: 'hide' }));
    const response = await publicBans(request('/api/banned'));
    assert.equal(response.status, 200);
    const body = await json(response);
    assert.deepEqual(Object.keys(body), ['total', 'page', 'limit', 'bans']);
    assert.equal(body.total, 2);
    assert.deepEqual(body.bans.map((entry: { target: string }) => entry.target), ['abcdefghijklmnop.onion:8333', 'AS64501']);
    for (const entry of body.bans) {
      assert.deepEqual(Object.keys(entry).sort(), ['action', 'expires_at', 'id', 'reason', 'since', 'target', 'target_type']);
    }
    const text = JSON.stringify(body);
    assert.ok(!text.includes(admin.id) && !text.includes(admin.email), 'no admin identity');
    assert.equal((await publicBans(request('/api/banned?limit=0'))).status, 400);
    assert.equal((await publicBans(request('/api/banned?action=ban'))).status, 200);
    assert.equal((await json(await publicBans(request('/api/banned?action=ban')))).total, 1);
    await lift(ban.ban.id);
    await lift(hide.ban.id);
  });

  it('POST /api/check and registration refuse banned targets with 403 and never dial them', async () => {
    process.env.PEERSCOPE_ALLOW_LOOPBACK_NODES = '1';
    const dialed: PeerAddress[] = [];
    setNodeProber(async (address) => {
      dialed.push(address);
      return { address, checkedAt: new Date(), ok: false, error: 'ECONNREFUSED', learned: [] };
    });
    const banned = await json(await post({ cidr: '127.0.0.0/8', reason: 'loopback test range' }));
    const check = await checkRoute(
      new Request('http://localhost/api/check', {
        method: 'POST',
        headers: { ...fromAddress(freshIp()), 'content-type': 'application/json' },
        body: JSON.stringify({ ip: '127.0.0.5', port: 18444 }),
      }),
    );
    assert.equal(check.status, 403);
    assert.match((await json(check)).details, /ban list/);
    const register = await registerRoute(authed('/api/nodes/register', user.token, { method: 'POST', body: JSON.stringify({ ip: '127.0.0.5', port: 18444 }) }), {});
    assert.equal(register.status, 403);
    assert.equal(dialed.length, 0, 'nothing was dialed');
    await lift(banned.ban.id);
    const allowed = await checkRoute(
      new Request('http://localhost/api/check', {
        method: 'POST',
        headers: { ...fromAddress(freshIp()), 'content-type': 'application/json' },
        body: JSON.stringify({ ip: '127.0.0.5', port: 18444 }),
      }),
    );
    assert.equal(allowed.status, 200);
    assert.equal(dialed.length, 1, 'dialed once the ban is lifted');
  });
});
