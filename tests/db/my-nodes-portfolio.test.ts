import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GET as myNodesGet } from '../../app/api/my-nodes/route';
import { GET as incidentsGet } from '../../app/api/my-nodes/incidents/route';
import { GET as downtimesRoute } from '../../app/api/nodes/[id]/downtimes/route';
import { closeSql } from '../../lib/db/client';
import { authed, createTestUser, insertNode } from '../helpers/accounts';
import { context, request } from '../helpers/api';
import { assertMatchesContract, specExample } from '../helpers/contract';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';

type Handler = (request: Request) => Promise<Response>;
const myNodesRoute: Handler = (request) => myNodesGet(request, {});
const incidentsRoute: Handler = (request) => incidentsGet(request, {});

const HOSTILE_LABEL = "=cmd|' /C calc'!A0";

describe('my nodes as a portfolio: filters, incidents paged as Horizen pages them, CSV', () => {
  let database: TestDatabase;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  const ids: Record<string, string> = {};
  const base = Date.UTC(2026, 10, 20, 0, 0, 0);
  const at = (minutes: number) => new Date(base + minutes * 60_000);

  before(async () => {
    database = await openMigratedTestDatabase();
    const { sql } = database;
    await closeSql();
    process.env.DATABASE_URL = database.url;
    alice = await createTestUser(sql, 'alice@example.com');
    bob = await createTestUser(sql, 'bob@example.com');
    ids.a = await insertNode(sql, { ip: '203.0.113.1', status: 'up', tier: 'gold' });
    ids.b = await insertNode(sql, { ip: '203.0.113.2', status: 'down', tier: null });
    ids.c = await insertNode(sql, { ip: '2001:db8::3', status: 'up', tier: 'diamond' });
    ids.bob = await insertNode(sql, { ip: '203.0.113.9', status: 'down', tier: 'gold' });
    await sql`insert into user_nodes (user_id, node_id, label, created_at) values
      (${alice.id}, ${ids.a}, 'Home 100%_node', ${at(0)}),
      (${alice.id}, ${ids.b}, ${HOSTILE_LABEL}, ${at(1)}),
      (${alice.id}, ${ids.c}, null, ${at(2)}),
      (${bob.id}, ${ids.bob}, 'bob''s', ${at(0)})`;
    await sql`update nodes set hostname = 'a.example.net' where id = ${ids.a}`;
    // Node a: 12 downtimes (down at 10k, up at 10k+5), all closed.
    for (let k = 0; k < 12; k += 1) {
      await sql`insert into node_checks (node_id, checked_at, status) values
        (${ids.a}, ${at(k * 10)}, 'up'), (${ids.a}, ${at(k * 10 + 2)}, 'down'), (${ids.a}, ${at(k * 10 + 3)}, 'down')`;
    }
    await sql`insert into node_checks (node_id, checked_at, status) values (${ids.a}, ${at(200)}, 'up')`;
    // Node b: one open downtime.
    await sql`insert into node_checks (node_id, checked_at, status) values (${ids.b}, ${at(300)}, 'up'), (${ids.b}, ${at(310)}, 'down')`;
    // Node c: a closed behind_tip exception, an open high_latency one; an open offline exception whose event is gone.
    await sql`insert into node_events (node_id, type, occurred_at, details) values
      (${ids.c}, 'exception_raised', ${at(400)}, ${sql.json({ kind: 'behind_tip', blocks: 5 })}),
      (${ids.c}, 'exception_raised', ${at(410)}, ${sql.json({ kind: 'high_latency' })}),
      (${ids.c}, 'exception_cleared', ${at(420)}, ${sql.json({ kind: 'behind_tip' })})`;
    await sql`insert into node_exceptions (node_id, kind, since) values (${ids.c}, 'high_latency', ${at(410)}), (${ids.c}, 'offline', ${at(430)})`;
    // Bob's node has incidents that must never show up for Alice.
    await sql`insert into node_checks (node_id, checked_at, status) values (${ids.bob}, ${at(500)}, 'down')`;
    await sql`insert into node_exceptions (node_id, kind, since) values (${ids.bob}, 'offline', ${at(500)})`;
  });
  after(async () => {
    await closeSql();
    delete process.env.DATABASE_URL;
    await database.close();
  });

  const get = async (handler: Handler, path: string, token = alice.token) => {
    const response = await handler(authed(path, token));
    const text = await response.text();
    return { response, text, body: response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : null };
  };

  it('filters my nodes by status, tier (or none) and label (a literal substring)', async () => {
    const labels = async (query: string) => (await get(myNodesRoute, `/api/my-nodes${query}`)).body.nodes.map((node: any) => node.id).sort();
    assert.deepEqual(await labels(''), [ids.a, ids.b, ids.c].sort());
    assert.deepEqual(await labels('?status=up'), [ids.a, ids.c].sort());
    assert.deepEqual(await labels('?status=unknown'), []);
    assert.deepEqual(await labels('?tier=diamond'), [ids.c]);
    assert.deepEqual(await labels('?tier=none'), [ids.b]);
    assert.deepEqual(await labels('?label=HOME'), [ids.a]);
    assert.deepEqual(await labels(`?label=${encodeURIComponent('100%_')}`), [ids.a]);
    assert.deepEqual(await labels(`?label=${encodeURIComponent('%')}`), [ids.a], 'a % is literal');
    assert.deepEqual(await labels(`?label=${encodeURIComponent('_')}`), [ids.a], 'an _ is literal');
    assert.deepEqual(await labels('?status=up&tier=gold&label=home'), [ids.a]);
    assert.deepEqual(await labels("?label=bob's"), [], "another user's nodes never match");
  });

  it('pages every downtime and exception of my nodes, newest first, honouring rows', async () => {
    const all = await get(incidentsRoute, '/api/my-nodes/incidents?rows=100');
    assert.equal(all.response.status, 200);
    assert.equal(all.body.records, 12 + 1 + 3);
    assert.deepEqual(all.body.rows.slice(0, 4).map((row: any) => [row.type, row.kind, row.nid, row.open]), [
      ['exception', 'offline', ids.c, true],
      ['exception', 'high_latency', ids.c, true],
      ['exception', 'behind_tip', ids.c, false],
      ['downtime', 'offline', ids.b, true],
    ]);
    const behind = all.body.rows[2];
    assert.deepEqual({ ...behind, id: undefined }, {
      id: undefined, type: 'exception', kind: 'behind_tip', nid: ids.c, address: '[2001:db8::3]:8333', fqdn: null, label: null,
      start: at(400).toISOString(), end: at(420).toISOString(), duration: 20 * 60_000, open: false,
    });
    const newestDowntime = all.body.rows[4];
    assert.deepEqual([newestDowntime.address, newestDowntime.fqdn, newestDowntime.label, newestDowntime.start, newestDowntime.end, newestDowntime.duration],
      ['203.0.113.1:8333', 'a.example.net', 'Home 100%_node', at(112).toISOString(), at(200).toISOString(), 88 * 60_000], 'the last run ends at the next up check');
    assert.ok(all.body.rows.every((row: any) => row.nid !== ids.bob));

    const ten = await get(incidentsRoute, '/api/my-nodes/incidents?rows=10');
    assert.deepEqual({ ...ten.body, rows: ten.body.rows.length }, { page: 1, total: 2, rowsperpage: 10, records: 16, rows: 10 }, 'rows=10 gives 10 rows');
    const second = await get(incidentsRoute, '/api/my-nodes/incidents?rows=10&page=2');
    assert.equal(second.body.rows.length, 6);
    assert.deepEqual([...ten.body.rows, ...second.body.rows].map((row: any) => row.id), all.body.rows.map((row: any) => row.id), 'pages neither overlap nor skip');
    const beyond = await get(incidentsRoute, '/api/my-nodes/incidents?rows=10&page=9');
    assert.deepEqual({ ...beyond.body }, { page: 9, total: 2, rowsperpage: 10, records: 16, rows: [] });
    const byDefault = await get(incidentsRoute, '/api/my-nodes/incidents');
    assert.equal(byDefault.body.rowsperpage, 20);
    assertMatchesContract(specExample('horizen-paged'), ten.body, {}, 'my-nodes incidents envelope');
  });

  it('filters incidents by node, type and open/closed (Horizen o/c too)', async () => {
    const records = async (query: string) => (await get(incidentsRoute, `/api/my-nodes/incidents${query}`)).body.records;
    assert.equal(await records(`?nid=${ids.a}`), 12);
    assert.equal(await records(`?nid=${ids.bob}`), 0, "another user's node is not mine");
    assert.equal(await records('?type=exception'), 3);
    assert.equal(await records('?type=downtime'), 13);
    assert.equal(await records('?status=o'), 3);
    assert.equal(await records('?status=open&type=downtime'), 1);
    assert.equal(await records('?status=c'), 13);
    const bobs = await get(incidentsRoute, '/api/my-nodes/incidents', bob.token);
    assert.deepEqual(bobs.body.rows.map((row: any) => [row.type, row.nid]), [['exception', ids.bob], ['downtime', ids.bob]]);
  });

  it('exports CSV with escaping and a formula guard', async () => {
    const nodes = await get(myNodesRoute, '/api/my-nodes?format=csv');
    assert.equal(nodes.response.status, 200);
    assert.equal(nodes.response.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(nodes.response.headers.get('content-disposition') ?? '', /^attachment; filename="my-nodes\.csv"$/);
    const lines = nodes.text.trimEnd().split('\r\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^id,address,label,status,tier,/);
    assert.ok(lines.some((line) => line.includes(`"'=cmd|' /C calc'!A0"`) || line.includes(`'=cmd|' /C calc'!A0`)), nodes.text);
    assert.ok(!/(^|,)=cmd/.test(nodes.text), 'no cell starts with =');
    assert.ok(lines.some((line) => line.includes('[2001:db8::3]:8333')));

    const incidents = await get(incidentsRoute, `/api/my-nodes/incidents?format=csv&nid=${ids.b}&rows=1&page=5`);
    const rows = incidents.text.trimEnd().split('\r\n');
    assert.equal(rows[0], 'id,type,kind,node_id,address,hostname,label,start,end,duration_ms,open');
    assert.equal(rows.length, 2, 'CSV holds every matching row, whatever page and rows say');
    assert.match(rows[1]!, new RegExp(`,downtime,offline,${ids.b},203\\.0\\.113\\.2:8333,,'=cmd\\|' /C calc'!A0,${at(310).toISOString().replace(/[.]/g, '\\.')},,\\d+,yes$`));
    const filtered = await get(myNodesRoute, '/api/my-nodes?format=csv&tier=none');
    assert.equal(filtered.text.trimEnd().split('\r\n').length, 2);
  });

  it('refuses hostile or invalid parameters with 400 {error, details}, never a 500', async () => {
    const cases: [Handler, string, RegExp][] = [
      [incidentsRoute, '?rows=0', /rows/],
      [incidentsRoute, '?rows=101', /rows/],
      [incidentsRoute, '?rows=abc', /rows/],
      [incidentsRoute, '?page=0', /page/],
      [incidentsRoute, '?page=1e400', /page/],
      [incidentsRoute, '?nid=abc', /nid: must be a node id/],
      [incidentsRoute, '?nid=0', /nid/],
      [incidentsRoute, '?nid=99999999999999999999', /nid/],
      [incidentsRoute, "?nid=1;drop table nodes", /nid/],
      [incidentsRoute, '?type=crash', /type/],
      [incidentsRoute, '?status=x', /status/],
      [incidentsRoute, '?format=xlsx', /format/],
      [incidentsRoute, '?nid=1%00', /NUL/],
      [myNodesRoute, '?status=sideways', /status/],
      [myNodesRoute, '?tier=platinum', /tier/],
      [myNodesRoute, `?label=${'x'.repeat(81)}`, /label/],
      [myNodesRoute, '?label=a%00b', /NUL/],
      [myNodesRoute, '?format=pdf', /format/],
    ];
    for (const [handler, query, details] of cases) {
      const path = handler === incidentsRoute ? `/api/my-nodes/incidents${query}` : `/api/my-nodes${query}`;
      const { response, body } = await get(handler, path);
      assert.equal(response.status, 400, path);
      assert.equal(typeof body.error, 'string', path);
      assert.match(body.details, details, path);
    }
    const anonymous = await incidentsRoute(new Request('http://127.0.0.1:3000/api/my-nodes/incidents'));
    assert.equal(anonymous.status, 401);
    const anonymousCsv = await myNodesRoute(new Request('http://127.0.0.1:3000/api/my-nodes?format=csv'));
    assert.equal(anonymousCsv.status, 401);
  });

  it('GET /api/nodes/{id}/downtimes honours Horizen\'s rows (it used to give 20 whatever rows said)', async () => {
    const response = await downtimesRoute(request('/x?rows=10'), context({ id: ids.a! }));
    const body = (await response.json()) as any;
    assert.deepEqual({ ...body, rows: body.rows.length }, { page: 1, total: 2, rowsperpage: 10, records: 12, rows: 10 });
    const both = (await (await downtimesRoute(request('/x?rows=3&rowsperpage=5'), context({ id: ids.a! }))).json()) as any;
    assert.equal(both.rowsperpage, 3);
    assert.equal((await downtimesRoute(request('/x?rows=101'), context({ id: ids.a! }))).status, 400);
  });
});
