import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GET as getLatency } from '../../app/api/v1/nodes/[address]/latency/route';
import { GET as getBitnodesNode } from '../../app/api/v1/nodes/[address]/route';
import { GET as getLeaderboard } from '../../app/api/v1/nodes/leaderboard/route';
import { GET as getRanking } from '../../app/api/v1/nodes/leaderboard/[address]/route';
import { GET as getLatestSnapshot } from '../../app/api/v1/snapshots/latest/route';
import { afterPassHooks } from '../../crawler/hooks';
import { BITNODES_INDEX_KEYS } from '../../lib/api/bitnodes-indices';
import { computePeerIndex, computePeerIndexIfDue, lastPeerIndexRun, PEER_INDEX_LOCK } from '../../lib/peer-index/job';
import { takeNetworkSnapshot } from '../../lib/snapshots/take';
import { context, insertNode, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { assertMatchesContract, specExample } from '../helpers/contract';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

const HOUR = 3_600_000;

describe(`Bitnodes parity: Peer Index, mbps, Node RTT, hostnames on ${testBackend()}`, () => {
  let database: TestDatabase;
  const id: Record<string, string> = {};
  const now = new Date();

  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    database = await openMigratedTestDatabase();
    const { sql } = database;
    id.a = await insertNode(sql, { ip: '203.0.113.1', services: '1033', protocol_version: 70016, height: 1000, asn: 1, rank: 1, pix_score: 900 });
    id.b = await insertNode(sql, { ip: '203.0.113.2', services: '1033', protocol_version: 70016, height: 1000, asn: 1, rank: 2, pix_score: 800 });
    id.c = await insertNode(sql, { ip: '2001:db8::3', services: '1033', protocol_version: 70015, height: 990, asn: 2, rank: 3, pix_score: 700 });
    id.d = await insertNode(sql, { ip: '203.0.113.4', status: 'down', services: '1033', protocol_version: 70016 });
    await sql`update nodes set monitor_mbps = 50, hostname = 'a.example.org' where id = ${id.a!}`;
    await sql`update nodes set monitor_mbps = 10 where id = ${id.b!}`;
    await sql`update nodes set monitor_mbps = 99 where id = ${id.d!}`;
    const at = (ago: number) => now.getTime() - ago;
    // Two blocks in the last week (A first, then B first), and one older block that does not count.
    const block = async (hash: string, ids: string[], ms: number[]) =>
      sql`insert into inv_propagation (inv_hash, kind, first_seen_at, node_ids, announced_ms)
          values (${hash}, 'block', ${new Date(Math.min(...ms))}, ${`{${ids.join(',')}}`}::bigint[], ${`{${ms.join(',')}}`}::bigint[])`;
    await block('01'.repeat(32), [id.b!, id.a!, id.c!], [at(HOUR) + 100, at(HOUR), at(HOUR) + 200]);
    await block('02'.repeat(32), [id.b!, id.a!], [at(2 * HOUR), at(2 * HOUR) + 900]);
    await block('03'.repeat(32), [id.c!], [at(8 * 24 * HOUR)]);
    await useDatabaseForRoutes(database.url);
  });
  after(async () => {
    await releaseRoutes();
    await database.close();
  });

  it('computes the 14 indices and peer_index (0–10) daily, ranked, with Peerscope-defined NSI, NI and BI', async () => {
    assert.equal(await lastPeerIndexRun(database.sql), null);
    const run = await computePeerIndexIfDue(database.sql, { defaultPort: 8333, now });
    assert.equal(run?.nodes, 3, 'reachable visible nodes only');
    const rows = await database.sql<Record<string, number | string>[]>`
      select n.ip, p.* from bitnodes_peer_index p join nodes n on n.id = p.node_id order by p.rank`;
    const byIp = Object.fromEntries(rows.map((row) => [row.ip, row]));
    const near = (actual: unknown, expected: number, what: string) => assert.ok(Math.abs(Number(actual) - expected) < 1e-4, `${what}: ${actual} ≠ ${expected}`);
    // NSI: receive rate / median of reachable nodes' rates (30), at most 1; none measured → 0.
    near(byIp['203.0.113.1']!.nsi, 1, 'nsi a');
    near(byIp['203.0.113.2']!.nsi, 10 / 30, 'nsi b');
    near(byIp['2001:db8::3']!.nsi, 0, 'nsi c');
    // NI: ln(N/n)/ln(N) over address networks: two on IPv4, one on IPv6.
    near(byIp['203.0.113.1']!.ni, Math.log(3 / 2) / Math.log(3), 'ni a');
    near(byIp['2001:db8::3']!.ni, 1, 'ni c');
    // BI: per block of the last 7 days, 1 − (place − 1)/recorded; averaged over those blocks (not announced = 0).
    near(byIp['203.0.113.1']!.bi, (1 + 0.5) / 2, 'bi a');
    near(byIp['203.0.113.2']!.bi, (2 / 3 + 1) / 2, 'bi b');
    near(byIp['2001:db8::3']!.bi, 1 / 3 / 2, 'bi c');
    for (const row of rows) {
      const mean = BITNODES_INDEX_KEYS.reduce((sum, key) => sum + Number(row[key]), 0) / 14;
      near(row.peer_index, mean * 10, `peer_index of ${row.ip}`);
    }
    assert.deepEqual(rows.map((row) => row.rank), [1, 2, 3]);
    for (let index = 1; index < rows.length; index += 1) assert.ok(Number(rows[index - 1]!.peer_index) >= Number(rows[index]!.peer_index));

    assert.equal(await computePeerIndexIfDue(database.sql, { defaultPort: 8333, now: new Date(now.getTime() + 23 * HOUR) }), null, 'not again within a day');
    const again = await computePeerIndexIfDue(database.sql, { defaultPort: 8333, now: new Date(now.getTime() + 25 * HOUR) });
    assert.equal(again?.nodes, 3, 'again once the last computation is over 24 h old');
    assert.equal((await database.sql`select 1 from bitnodes_peer_index`).length, 3, 'replaced, not appended');
  });

  it('skips a computation while another process holds the advisory lock', async () => {
    const holder = await database.sql.reserve();
    try {
      await holder`select pg_advisory_lock(${PEER_INDEX_LOCK})`;
      assert.equal(await computePeerIndex(database.sql, { defaultPort: 8333, now }), null);
      await holder`select pg_advisory_unlock(${PEER_INDEX_LOCK})`;
    } finally {
      holder.release();
    }
    assert.equal((await computePeerIndex(database.sql, { defaultPort: 8333, now }))?.nodes, 3);
  });

  it('the crawler runs it after a pass through its hooks', async () => {
    await database.sql`delete from bitnodes_peer_index_runs`;
    const hook = afterPassHooks().find((entry) => entry.name === 'peer-index');
    assert.ok(hook);
    await hook.run(database.sql, { now });
    assert.ok(await lastPeerIndexRun(database.sql));
  });

  it('serves the stored Peer Index on /api/v1/nodes/leaderboard/ and the node ranking route, in the spec shape', async () => {
    const body = (await (await getLeaderboard(request('/api/v1/nodes/leaderboard/?limit=2'))).json()) as any;
    assert.equal(body.count, 3);
    assert.equal(body.next, 'http://localhost/api/v1/nodes/leaderboard/?page=2&limit=2');
    const example = specExample<any>('bitnodes-leaderboard-entry');
    assertMatchesContract({ count: 1, next: null, previous: null, results: [example] }, body, { extensible: ['results[]'] }, 'leaderboard');
    for (const entry of body.results) {
      for (const key of [...BITNODES_INDEX_KEYS, 'peer_index']) assert.match(entry[key], /^\d{1,2}\.\d{4}$/, key);
      assert.ok(Number(entry.peer_index) <= 10);
    }
    assert.deepEqual(body.results.map((entry: any) => entry.rank), [1, 2]);
    const first = body.results[0];
    const ranking = await getRanking(request('/x'), context({ address: first.node.replace(/^\[?(.*?)\]?:(\d+)$/, '$1-$2') }));
    assert.equal(ranking.status, 200);
    const one = (await ranking.json()) as any;
    assertMatchesContract(example, one, { extensible: [''] }, 'node ranking');
    assert.deepEqual(one, first);
    assert.equal((await getRanking(request('/x'), context({ address: '203.0.113.4-8333' }))).status, 404, 'down: not ranked');
    assert.equal((await getRanking(request('/x'), context({ address: '%00-8333' }))).status, 400);
  });

  it('node status carries mbps from the monitor (6 decimals, "" when down or unmeasured) and the stored hostname', async () => {
    const example = specExample('bitnodes-node-status');
    const options = { extensible: [''], nullable: ['data'] };
    const a = (await (await getBitnodesNode(request('/x'), context({ address: '203.0.113.1-8333' }))).json()) as any;
    assertMatchesContract(example, { ...a, data: null }, options, 'node status');
    assert.equal(a.data.length, 13);
    assert.equal(a.mbps, '50.000000');
    assert.equal(a.hostname, 'a.example.org');
    assert.equal(a.data[5], 'a.example.org', 'the hostname slot of the row');
    const b = (await (await getBitnodesNode(request('/x'), context({ address: '203.0.113.2-8333' }))).json()) as any;
    assert.equal(b.mbps, '10.000000');
    const c = (await (await getBitnodesNode(request('/x'), context({ address: '2001:db8::3-8333' }))).json()) as any;
    assert.equal(c.mbps, '');
    const d = (await (await getBitnodesNode(request('/x'), context({ address: '203.0.113.4-8333' }))).json()) as any;
    assert.equal(d.status, 'DOWN');
    assert.equal(d.mbps, '', 'a down node has no current rate');
  });

  it('snapshot rows carry the stored hostname', async () => {
    await takeNetworkSnapshot(database.sql, { now: new Date(), passDurationMs: 1000 });
    const body = (await (await getLatestSnapshot(request('/api/v1/snapshots/latest/'))).json()) as any;
    assert.equal(body.nodes['203.0.113.1:8333'][5], 'a.example.org');
    assert.equal(body.nodes['203.0.113.2:8333'][5], null);
  });

  it('Node RTT at Bitnodes spacing: 15 min / hourly / daily; v = average ms, 0 reachable without RTT, −1 unreachable', async () => {
    const node = id.b!;
    const base = Math.floor(now.getTime() / 900_000) * 900_000;
    await database.sql`insert into node_checks (node_id, checked_at, status, latency_ms) values
      (${node}, ${new Date(base - 2 * 900_000 + 60_000)}, 'up', 40), (${node}, ${new Date(base - 2 * 900_000 + 120_000)}, 'up', 61),
      (${node}, ${new Date(base - 5 * 900_000 + 60_000)}, 'down', null)`;
    // The monitor held it up (no RTT sample stored for that time) for the bucket 8 back.
    await database.sql`insert into node_monitor_spans (node_id, state, started_at, ended_at) values
      (${node}, 'up', ${new Date(base - 8 * 900_000 + 10_000)}, ${new Date(base - 8 * 900_000 + 20_000)}),
      (${node}, 'down', ${new Date(base - 12 * 900_000 + 10_000)}, ${new Date(base - 12 * 900_000 + 20_000)})`;
    const response = await getLatency(request('/x'), context({ address: '203.0.113.2-8333' }));
    assert.equal(response.status, 200);
    const body = (await response.json()) as any;
    assertMatchesContract(specExample('bitnodes-latency'), body, {}, 'Node RTT');
    const daily = new Map(body.daily_latency.map((point: any) => [point.t, point.v]));
    assert.equal(daily.get((base - 2 * 900_000) / 1000), 51, 'average of 40 and 61, rounded');
    assert.equal(daily.get((base - 5 * 900_000) / 1000), -1, 'only failures');
    assert.equal(daily.get((base - 8 * 900_000) / 1000), 0, 'reachable (monitor span) without RTT data');
    assert.equal(daily.get((base - 12 * 900_000) / 1000), -1, 'monitor saw it down');
    assert.equal(daily.size, 4, 'buckets with no observation are left out');
    for (const point of body.daily_latency) assert.equal(point.t % 900, 0);
    for (const point of body.weekly_latency) assert.equal(point.t % 3600, 0);
    for (const point of body.monthly_latency) assert.equal(point.t % 86_400, 0);
    const ts = body.daily_latency.map((point: any) => point.t);
    assert.deepEqual(ts, [...ts].sort((x: number, y: number) => x - y));
  });
});
