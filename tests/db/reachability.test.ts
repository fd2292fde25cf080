import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GET as getNodes } from '../../app/api/nodes.json/route';
import { GET as getNode } from '../../app/api/nodes/[id]/route';
import { GET as getStats } from '../../app/api/stats.json/route';
import { startPeerServer, type PeerBehaviour, type RunningPeerServer } from '../../crawler/simulator';
import { nodeFilters } from '../../lib/api/nodes';
import { nodesQuerySchema } from '../../lib/api/schemas';
import { clearSnapshotCache } from '../../lib/api/snapshot-cache';
import { CHAIN_PRESETS } from '../../lib/chains/presets';
import { recordProbeResults } from '../../lib/crawler/persist';
import { addressKey, type PeerAddress } from '../../lib/crawler/types';
import { MonitorStore } from '../../lib/monitor/store';
import { DialError, directDialer, type Dialer } from '../../lib/p2p/dialer';
import { magicBytes } from '../../lib/p2p/frame';
import { probePeer } from '../../lib/p2p/probe';
import { takeNetworkSnapshot } from '../../lib/snapshots/take';
import { loadVersionClasses } from '../../lib/versions/store';
import { context, insertNode, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

const chain = CHAIN_PRESETS.bitcoin;
const timeouts = { connectMs: 500, handshakeMs: 400, pingMs: 300, addrWindowMs: 300, totalMs: 1500 };

/**
 * The third reachability state end to end: simulated peers on loopback (a good one, one
 * that accepts TCP and never answers the version, one that hangs up at once, a closed
 * port) are probed for real, recorded as the crawler records them, and read back through
 * the route handlers.
 */
describe(`reachability (up / reachable / down / unknown) on ${testBackend()}`, () => {
  let database: TestDatabase;
  const servers: RunningPeerServer[] = [];
  const routes = new Map<string, number>();
  const address = (index: number): PeerAddress => ({ host: `5.9.210.${index}`, port: chain.defaultPort, network: 'ipv4' });
  // Public-looking addresses routed to loopback listeners; nothing else is ever dialed.
  const dialer: Dialer = (target, signal) => {
    const port = routes.get(addressKey(target));
    if (port === undefined) return Promise.reject(new DialError('not a test peer', 'ECONNREFUSED'));
    return directDialer({ host: '127.0.0.1', port, network: 'ipv4' }, signal);
  };
  const startPeer = async (index: number, behaviour: PeerBehaviour) => {
    const server = await startPeerServer(
      '127.0.0.1',
      0,
      { behaviour, userAgent: '/Satoshi:28.1.0/', protocolVersion: chain.protocolVersion, services: 1n, startHeight: 900_000, delayMs: 0, announcesSelf: false, seed: index },
      { magic: magicBytes(chain.magic), supportsAddrV2: true, self: address(index), gossip: () => [] },
    );
    servers.push(server);
    routes.set(addressKey(address(index)), server.port);
  };
  const ids: Record<string, string> = {};

  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    database = await openMigratedTestDatabase();
    await startPeer(1, 'good');
    await startPeer(2, 'silent');
    await startPeer(3, 'hangup');
    // 5.9.210.4: a closed port (a listener started and stopped).
    await startPeer(4, 'good');
    await servers.pop()!.close();
    const results = await Promise.all([1, 2, 3, 4].map((index) => probePeer(address(index), { chain, dialer, timeouts, getaddr: false })));
    await recordProbeResults(database.sql, results, { now: new Date() });
    for (const index of [1, 2, 3, 4]) {
      const [row] = await database.sql<{ id: string }[]>`select id::text as id from nodes where ip = ${address(index).host}`;
      ids[index] = row!.id;
    }
    ids.never = await insertNode(database.sql, { ip: '5.9.210.5', status: 'unknown', last_seen: null });
    await useDatabaseForRoutes(database.url);
  });
  after(async () => {
    await releaseRoutes();
    await Promise.all(servers.map((server) => server.close()));
    await database.close();
  });

  const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as any });
  const nodesWith = async (query: string) => (await json(await getNodes(request(`/api/nodes.json?${query}`)))).body;

  it('stores TCP-without-handshake as reachable, a closed port as down, on the node and its check', async () => {
    const rows = await database.sql<{ ip: string; status: string; reachability: string; tcp_connected: boolean | null; check_status: string; check_tcp: boolean | null }[]>`
      select n.ip, n.status, n.reachability, n.tcp_connected, c.status as check_status, c.tcp_connected as check_tcp
      from nodes n left join node_checks c on c.node_id = n.id order by n.ip`;
    assert.deepEqual(rows.map((row) => [row.ip, row.status, row.reachability, row.tcp_connected, row.check_status, row.check_tcp]), [
      ['5.9.210.1', 'up', 'up', true, 'up', true],
      ['5.9.210.2', 'down', 'reachable', true, 'down', true],
      ['5.9.210.3', 'down', 'reachable', true, 'down', true],
      ['5.9.210.4', 'down', 'down', false, 'down', false],
      ['5.9.210.5', 'unknown', 'unknown', null, null, null],
    ]);
  });

  it('nodes.json shows status up/reachable/down/unknown and filters on it; online keeps meaning up only', async () => {
    const all = await nodesWith('limit=10');
    assert.deepEqual(
      Object.fromEntries(Object.entries(all.nodes).map(([key, node]: [string, any]) => [key, node.status])),
      { '5.9.210.1:8333': 'up', '5.9.210.2:8333': 'reachable', '5.9.210.3:8333': 'reachable', '5.9.210.4:8333': 'down', '5.9.210.5:8333': 'unknown' },
    );
    const keys = (body: any) => Object.keys(body.nodes).sort();
    assert.deepEqual(keys(await nodesWith('status=reachable')), ['5.9.210.2:8333', '5.9.210.3:8333']);
    assert.deepEqual(keys(await nodesWith('status=down')), ['5.9.210.4:8333']);
    assert.deepEqual(keys(await nodesWith('status=unknown')), ['5.9.210.5:8333']);
    assert.deepEqual(keys(await nodesWith('status=up')), ['5.9.210.1:8333']);
    assert.deepEqual(keys(await nodesWith('online=true')), ['5.9.210.1:8333'], 'reachable is not online');
    assert.equal((await nodesWith('online=false')).total_nodes, 4);
    assert.equal((await nodesWith('online=true&status=reachable')).total_nodes, 0, 'filters compose');
    const reachable = await nodesWith('status=reachable&limit=1');
    assert.equal(reachable.total_nodes, 2);
    assert.equal(reachable.pagination.total, 2);
  });

  it('refuses an invalid status with 400 JSON (and NUL bytes)', async () => {
    for (const bad of ['bogus', 'UP', '', 'up%00', 'reachable,down']) {
      const { status, body } = await json(await getNodes(request(`/api/nodes.json?status=${bad}`)));
      assert.equal(status, 400, bad);
      assert.equal(typeof body.error, 'string');
      assert.equal(typeof body.details, 'string');
    }
  });

  it('the node detail shows the state', async () => {
    const { status, body } = await json(await getNode(request(`/api/nodes/${ids[2]}`), context({ id: ids[2]! })));
    assert.equal(status, 200);
    assert.equal(body.status, 'reachable');
  });

  it('stats.json counts each state from the snapshot aggregates; reachable is not available', async () => {
    await takeNetworkSnapshot(database.sql, { now: new Date() });
    clearSnapshotCache();
    const { body } = await json(await getStats(request('/api/stats.json')));
    assert.deepEqual(body.status_distribution, { up: 1, reachable: 2, down: 1, unknown: 1 });
    assert.equal(body.available_nodes, 1);
    const [stored] = await database.sql<{ reachability: unknown }[]>`
      select api_aggregates -> 'reachability' as reachability from network_snapshots order by id desc limit 1`;
    assert.deepEqual(stored!.reachability, { up: 1, reachable: 2, down: 1, unknown: 1 }, 'stored with the snapshot, not computed per request');
  });

  it('a node the monitor loses is down (not reachable) until the crawler probes it again', async () => {
    const store = new MonitorStore(database.sql, { flushMs: 60_000 });
    store.state(ids[1]!, { status: 'down', connectedSince: null });
    await store.flush();
    const [row] = await database.sql<{ reachability: string }[]>`select reachability from nodes where id = ${ids[1]!}`;
    assert.equal(row!.reachability, 'down');
    store.state(ids[1]!, { status: 'up' });
    await store.flush();
    const [back] = await database.sql<{ reachability: string }[]>`select reachability from nodes where id = ${ids[1]!}`;
    assert.equal(back!.reachability, 'up');
  });

  it('the status filter is an index scan at 100k nodes', async () => {
    await database.sql`
      insert into nodes (ip, port, status, tcp_connected, last_seen)
      select '10.' || (i / 65536) || '.' || ((i / 256) % 256) || '.' || (i % 256), 8333,
             case when i % 100 = 1 then 'unknown' else 'down' end,
             case when i % 100 = 1 then null else i % 100 = 0 end,
             now() - (i || ' seconds')::interval
      from generate_series(1, 100000) as i`;
    await database.sql`analyze nodes`;
    const classes = await loadVersionClasses(database.sql);
    for (const state of ['reachable', 'unknown'] as const) {
      const query = nodesQuerySchema.parse({ status: state });
      const plan = await database.sql<{ 'QUERY PLAN': string }[]>`
        explain select id from nodes where ${nodeFilters(database.sql, query, classes)}
        order by last_seen desc nulls last, id limit 100`;
      const text = plan.map((row) => row['QUERY PLAN']).join('\n');
      assert.match(text, /nodes_reachability_idx/, text);
      assert.doesNotMatch(text, /Seq Scan/, text);
    }
  });
});
