import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GET as getInv } from '../../app/api/v1/inv/[hash]/route';
import { GET as listInv } from '../../app/api/v1/inv/route';
import { startLiveNetwork, type LiveNetwork } from '../../crawler/simulator';
import { CHAIN_PRESETS } from '../../lib/chains/presets';
import { runMonitor } from '../../lib/monitor/runner';
import type { Monitor } from '../../lib/monitor/monitor';
import { directDialer } from '../../lib/p2p/dialer';
import { seedDemoNetwork } from '../../lib/demo/seed';
import { latestBlockSpreads } from '../../lib/propagation/api';
import { PropagationRecorder } from '../../lib/propagation/recorder';
import { prunePropagation, writeArrivals } from '../../lib/propagation/store';
import { context, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { assertMatchesContract, specExample } from '../helpers/contract';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const PEERS = 6;

describe(`data propagation (monitor → inv_propagation → /api/v1/inv/) on ${testBackend()}`, () => {
  let database: TestDatabase;
  let network: LiveNetwork;
  const controller = new AbortController();
  let running: Promise<void> | undefined;
  let monitor: Monitor | null = null;
  const ids = new Map<string, string>();

  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    database = await openMigratedTestDatabase();
    network = await startLiveNetwork({ peers: PEERS, loopbackOctet: 170, spreadMs: 150, seed: 7 });
    for (const peer of network.peers) {
      const [row] = await database.sql<{ id: string }[]>`
        insert into nodes (ip, port, network, status, protocol_version, user_agent, last_seen)
        values (${peer.address.host}, ${peer.address.port}, 'ipv4', 'up', ${CHAIN_PRESETS.bitcoin.protocolVersion}, '/Satoshi:28.1.0/', now())
        returning id`;
      ids.set(`${peer.address.host}:${peer.address.port}`, String(row!.id));
    }
    await useDatabaseForRoutes(database.url);
  });
  after(async () => {
    controller.abort();
    await running;
    await network.stop();
    await releaseRoutes();
    await database.close();
  });

  it('records when each simulated peer announced a block and a sampled transaction, end to end on loopback', async () => {
    running = runMonitor({
      sql: database.sql,
      chain: CHAIN_PRESETS.bitcoin,
      dialer: directDialer,
      networks: ['ipv4'],
      settings: {
        pingIntervalMs: 200,
        shard: { index: 0, count: 1 },
        syncMs: 200,
        maxConnections: 100,
        flushMs: 50,
        inv: { txSample: 0.5, flushMs: 100 },
        rules: { behindBlocks: 3, behindMinutes: 30, highLatencyMs: 1000, flappingOutages: 3 },
      },
      signal: controller.signal,
      log: () => {},
      onSync: (held) => (monitor = held),
    });
    await until('connections', () => monitor?.stats().connected === PEERS);
    const started = Date.now();
    network.mineBlock();
    const block = network.tipHash;
    const sampledWire = Buffer.alloc(32, 0x11);
    sampledWire[31] = 0x12; // displayed prefix 0x12.. < 0x8000: sampled at 0.5
    const unsampledWire = Buffer.alloc(32, 0x22);
    unsampledWire[31] = 0xf0; // displayed prefix 0xf0..: not sampled
    const sampled = network.broadcastTx(sampledWire);
    const unsampled = network.broadcastTx(unsampledWire);
    assert.match(sampled, /^12/);

    const countOf = async (hash: string) => {
      const [row] = await database.sql<{ n: number }[]>`select cardinality(node_ids) as n from inv_propagation where inv_hash = ${hash}`;
      return row?.n ?? 0;
    };
    await until('block announced by every peer', async () => (await countOf(block)) === PEERS);
    await until('sampled transaction announced by every peer', async () => (await countOf(sampled)) === PEERS);
    await sleep(300);
    assert.equal(await countOf(unsampled), 0, 'a transaction outside the sample is not recorded');

    const [row] = await database.sql<{ kind: string; node_ids: string[]; announced_ms: string[] }[]>`
      select kind, node_ids::text[] as node_ids, announced_ms::text[] as announced_ms from inv_propagation where inv_hash = ${block}`;
    assert.equal(row!.kind, 'block');
    assert.deepEqual([...row!.node_ids].sort(), [...ids.values()].sort());
    for (const ms of row!.announced_ms.map(Number)) assert.ok(ms >= started - 5 && ms <= Date.now(), 'arrival times are ms epoch');

    const response = await getInv(request(`/api/v1/inv/${block.toUpperCase()}/`), context({ hash: block.toUpperCase() }));
    assert.equal(response.status, 200);
    const body = (await response.json()) as any;
    // head holds ["ip:port", ms] pairs (the contract helper reads arrays as uniform lists): checked element by element.
    const example = specExample<any>('bitnodes-inv');
    assertMatchesContract({ ...example, stats: { ...example.stats, head: [] } }, { ...body, stats: { ...body.stats, head: [] } }, {}, 'GET /api/v1/inv/<hash>/');
    for (const entry of body.stats.head) {
      assert.equal(entry.length, 2);
      assert.equal(typeof entry[0], 'string');
      assert.ok(Number.isInteger(entry[1]) && entry[1] > 1e12, 'ms epoch');
    }
    assert.equal(body.inv_hash, block);
    assert.equal(body.stats.head.length, PEERS);
    assert.deepEqual(new Set(body.stats.head.map(([node]: [string]) => node)), new Set(ids.keys()));
    const times = body.stats.head.map(([, ms]: [string, number]) => ms);
    assert.deepEqual(times, [...times].sort((a: number, b: number) => a - b), 'head in time order');
    assert.equal(body.stats.min, 0);
    assert.equal(body.stats.max, times.at(-1) - times[0]);
    assert.ok(body.stats.max > 0, 'the simulated spread gives different arrival times');
    assert.ok(body.stats['50%'] <= body.stats['90%'] && body.stats['90%'] <= body.stats.max);

    const list = (await (await listInv(request('/api/v1/inv/?limit=1'))).json()) as any;
    assertMatchesContract(specExample('bitnodes-inv-list'), list, { nullable: ['next', 'previous'] }, 'GET /api/v1/inv/');
    assert.equal(list.count, 2);
    assert.equal(list.next, 'http://localhost/api/v1/inv/?page=2&limit=1');
    const all = (await (await listInv(request('/api/v1/inv/'))).json()) as any;
    assert.deepEqual(new Set(all.results.map((entry: any) => entry.inv_hash)), new Set([block, sampled]));

    await until('receive rates written (mbps)', async () => (await database.sql`select 1 from nodes where monitor_mbps > 0`).length === PEERS);

    const [spread] = await latestBlockSpreads(database.sql, 1);
    assert.equal(spread!.hash, block);
    assert.equal(spread!.nodes, PEERS);
    assert.equal(spread!.delays[0], 0);
  });

  it('answers 404 for an unknown hash and 400 for a malformed one (NUL included)', async () => {
    const unknown = 'ab'.repeat(32);
    const missing = await getInv(request(`/api/v1/inv/${unknown}/`), context({ hash: unknown }));
    assert.equal(missing.status, 404);
    assert.ok(((await missing.json()) as any).error);
    for (const bad of ['xyz', 'ab'.repeat(33), `${'ab'.repeat(31)}a\u0000`, "' or 1=1 --"]) {
      const response = await getInv(request(`/api/v1/inv/x/`), context({ hash: bad }));
      assert.equal(response.status, 400, bad);
      const body = (await response.json()) as any;
      assert.ok(body.error && body.details, bad);
    }
    assert.equal((await listInv(request('/api/v1/inv/?limit=101'))).status, 400);
    assert.equal((await listInv(request('/api/v1/inv/?page=0'))).status, 400);
  });

  it('stores at most 1000 nodes per hash across writers, and prunes to the newest hashes', async () => {
    const hash = 'cd'.repeat(32);
    const recorder = new PropagationRecorder({ maxNodesPerInv: 1000 });
    for (let node = 1; node <= 700; node += 1) recorder.record(node, [{ hash, kind: 'block' }], 1_700_000_000_000 + node);
    await writeArrivals(database.sql, recorder.drain());
    const other = new PropagationRecorder({ maxNodesPerInv: 1000 }); // a second monitor shard
    for (let node = 701; node <= 1400; node += 1) other.record(node, [{ hash, kind: 'block' }], 1_699_999_999_000 + node);
    await writeArrivals(database.sql, other.drain());
    const [row] = await database.sql<{ n: number; first: Date }[]>`select cardinality(node_ids) as n, first_seen_at as first from inv_propagation where inv_hash = ${hash}`;
    assert.equal(row!.n, 1000);
    assert.equal(row!.first.getTime(), 1_699_999_999_701, 'the earliest first sighting of any shard');
    assert.equal(await prunePropagation(database.sql, 1), 2);
    assert.deepEqual((await database.sql`select inv_hash from inv_propagation`).map((r) => r.inv_hash).length, 1);
  });

  it('the demo seed gives the dashboard a few lived-in blocks', async () => {
    // Stop the monitor first: the seeded nodes have public-looking addresses, which it must never dial.
    controller.abort();
    await running;
    running = undefined;
    await database.sql`delete from inv_propagation`;
    const seeded = await seedDemoNetwork(database.sql, { nodes: 60, days: 1, historyNodes: 0, seed: 3 });
    const spreads = await latestBlockSpreads(database.sql, 6);
    assert.equal(spreads.length, 6);
    const up = (await database.sql<{ up: number }[]>`select count(*)::int as up from nodes where status = 'up' and not hidden`)[0]!.up;
    assert.ok(seeded.online > 0 && up >= seeded.online);
    for (const spread of spreads) {
      assert.equal(spread.nodes, up, 'every online node (at most 1000) announced each block');
      assert.equal(spread.delays[0], 0);
      assert.deepEqual(spread.delays, [...spread.delays].sort((a, b) => a - b));
      assert.ok(spread.delays.at(-1)! > 0);
    }
  });
});
