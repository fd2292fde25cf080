import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveChain, type ResolvedChain } from '../../lib/chains';
import { addressKey } from '../../lib/crawler/types';
import { openGeoLookup } from '../../lib/geo';
import { probePeer } from '../../lib/p2p/probe';
import { runCrawlPass, type PassHook } from '../../crawler/pass';
import { startSimulatedNetwork, type SimulatedNetwork } from '../../crawler/simulator';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

// Roomy timeouts: good simulated peers answer at once; only silent hostile ones wait these out, and a
// loaded CI machine must not turn a slow-to-schedule good peer into a false failure.
const FAST_TIMEOUTS = { connectMs: 5000, handshakeMs: 8000, pingMs: 4000, addrWindowMs: 1500, totalMs: 15000 };

describe(`crawl pass against a simulated network on ${testBackend()}`, () => {
  let database: TestDatabase;
  let network: SimulatedNetwork;
  let chain: ResolvedChain;

  before(async () => {
    database = await openMigratedTestDatabase();
    network = await startSimulatedNetwork({ nodes: 160, hostileShare: 0.08, goneShare: 0.06, slowShare: 0.05, randomSeed: 7 });
    const base = resolveChain({});
    chain = { ...base, crawler: { ...base.crawler, concurrency: 32, timeouts: FAST_TIMEOUTS } };
  });
  after(async () => {
    await network.stop();
    await database.close();
  });

  const pass = (hooks: PassHook[] = []) =>
    runCrawlPass({
      sql: database.sql,
      chain,
      probe: (address, signal) => probePeer(address, { chain, dialer: network.dialer, timeouts: FAST_TIMEOUTS, signal }),
      dnsSeeds: network.dnsSeeds,
      resolver: network.resolver,
      hooks,
      flushSize: 25,
    });

  it('discovers the network from its DNS seeds and stores every node, its checks, scores and a snapshot', async () => {
    const geo = await openGeoLookup();
    const hookRuns: Date[] = [];
    const summary = await runCrawlPass({
      sql: database.sql,
      chain,
      probe: (address, signal) => probePeer(address, { chain, dialer: network.dialer, timeouts: FAST_TIMEOUTS, signal }),
      dnsSeeds: network.dnsSeeds,
      resolver: network.resolver,
      geo,
      hooks: [{ name: 'probe-hook', run: async (_sql, { now }) => void hookRuns.push(now) }],
      flushSize: 25,
    });

    const reachable = new Set(network.reachable().map((peer) => addressKey(peer.address)));
    const up = await database.sql<{ ip: string; port: number }[]>`select ip, port from nodes where status = 'up'`;
    assert.deepEqual(new Set(up.map((row) => addressKey({ host: row.ip, port: row.port }))), reachable, 'exactly the reachable peers are up');
    assert.equal(summary.crawl.ok, reachable.size);
    assert.equal(summary.recorded, summary.crawl.dialed, 'every probe result was written');
    assert.equal(summary.retention?.stopped, 'done', 'retention ran after the pass');

    const [checks] = await database.sql<{ n: number }[]>`select count(*)::int as n from node_checks`;
    assert.equal(checks!.n, summary.crawl.dialed);
    const [down] = await database.sql<{ n: number }[]>`select count(*)::int as n from nodes where status = 'down'`;
    assert.ok(down!.n > 0, 'hostile and gone peers are recorded as down');

    const [scored] = await database.sql<{ n: number; ranked: number; located: number }[]>`
      select count(*) filter (where pix_score is not null)::int as n,
             count(*) filter (where rank is not null)::int as ranked,
             count(*) filter (where country is not null)::int as located
      from nodes where status = 'up'`;
    assert.equal(scored!.n, reachable.size, 'every up node has a PIX score');
    assert.equal(scored!.ranked, reachable.size, 'every up node is ranked');
    assert.ok(scored!.located > reachable.size / 2, 'public-looking addresses are geolocated');

    const [snapshot] = await database.sql<{ online_nodes: number; nodes: Record<string, unknown[]> }[]>`
      select online_nodes, nodes from network_snapshots where id = ${summary.snapshotId!}`;
    assert.equal(snapshot!.online_nodes, reachable.size);
    assert.equal(Object.keys(snapshot!.nodes).length, reachable.size);
    assert.equal(hookRuns.length, 1, 'the after-pass hook ran once');
  });

  it('does not re-dial nodes probed moments ago, and a failing hook does not fail the pass', async () => {
    const summary = await pass([{ name: 'broken', run: async () => { throw new Error('boom'); } }]);
    assert.equal(summary.crawl.dialed, 0, 'everything was checked within the recheck interval');
    assert.deepEqual(summary.hookErrors, ['broken: boom']);
  });
});
