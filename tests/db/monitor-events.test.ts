import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLiveNetwork, type LiveNetwork } from '../../crawler/simulator';
import { CHAIN_PRESETS } from '../../lib/chains/presets';
import { EventBroker } from '../../lib/events/broker';
import { latestEventId, listEvents } from '../../lib/events/query';
import { insertEvents } from '../../lib/events/record';
import { openEventStream } from '../../lib/events/stream';
import { recomputeMonitorUptime } from '../../lib/measure/monitor-uptime';
import { recomputeScores } from '../../lib/crawler/measure';
import { directDialer } from '../../lib/p2p/dialer';
import { runMonitor } from '../../lib/monitor/runner';
import type { Monitor } from '../../lib/monitor/monitor';
import { loadTargets } from '../../lib/monitor/targets';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Reads SSE frames from a stream until `count` events arrived. */
async function readEvents(stream: ReadableStream<Uint8Array>, count: number, timeoutMs = 10_000): Promise<{ raw: string; events: { id: string; type: string; node_id: string }[] }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let raw = '';
  const events: { id: string; type: string; node_id: string }[] = [];
  const deadline = Date.now() + timeoutMs;
  while (events.length < count) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const chunk = await Promise.race([reader.read(), sleep(left).then(() => null)]);
    if (!chunk || chunk.done) break;
    raw += decoder.decode(chunk.value);
    events.length = 0;
    for (const block of raw.split('\n\n')) {
      const data = block.split('\n').find((line) => line.startsWith('data: '));
      if (data) events.push(JSON.parse(data.slice(6)));
    }
  }
  await reader.cancel();
  return { raw, events };
}

describe(`monitor, events and live measurements on ${testBackend()}`, () => {
  let database: TestDatabase;
  let network: LiveNetwork;
  const controller = new AbortController();
  let running: Promise<void>;
  let monitor: Monitor | null = null;
  const alertRuns: number[] = [];
  const ids: string[] = [];

  before(async () => {
    database = await openMigratedTestDatabase();
    network = await startLiveNetwork({ peers: 3, loopbackOctet: 160 });
    for (const peer of network.peers) {
      const [row] = await database.sql<{ id: string }[]>`
        insert into nodes (ip, port, network, status, protocol_version, user_agent, last_seen, tier)
        values (${peer.address.host}, ${peer.address.port}, 'ipv4', 'up', ${CHAIN_PRESETS.bitcoin.protocolVersion}, '/Satoshi:28.1.0/', now(), 'gold')
        returning id`;
      ids.push(String(row!.id));
    }
  });
  after(async () => {
    controller.abort();
    await running;
    await network.stop();
    await database.close();
  });

  it('writes node_new and tier_changed from node changes (triggers)', async () => {
    const events = await listEvents(database.sql, { limit: 50 });
    assert.deepEqual(events.events.map((event) => event.type).sort(), ['node_new', 'node_new', 'node_new']);
    await database.sql`update nodes set tier = 'silver' where id = ${ids[2]!}`;
    const [changed] = (await listEvents(database.sql, { limit: 1, types: ['tier_changed'] })).events;
    assert.deepEqual(changed!.details, { from: 'gold', to: 'silver' });
    assert.equal(changed!.node_id, ids[2]);
    await database.sql`update nodes set tier = 'gold' where id = ${ids[2]!}`;
  });

  it('holds the shard of up nodes, writes node_down at the drop, node_up on return, spans and exceptions', async () => {
    assert.equal((await loadTargets(database.sql, { shard: { index: 0, count: 1 }, networks: ['ipv4'], limit: 10 })).length, 3);
    const shards = await Promise.all([0, 1].map((index) => loadTargets(database.sql, { shard: { index, count: 2 }, networks: ['ipv4'], limit: 10 })));
    assert.equal(shards[0]!.length + shards[1]!.length, 3, 'two shards split the nodes without overlap');
    assert.equal(new Set([...shards[0]!, ...shards[1]!].map((target) => target.id)).size, 3);

    const broker = new EventBroker(database.sql, { pollMs: 100, listen: testBackend() === 'postgres' });
    await broker.start();
    const stream = openEventStream({ sql: database.sql, broker, filter: { types: ['node_down', 'node_up'] }, after: null, heartbeatMs: 100 });
    const streamed = readEvents(stream, 2, 20_000);

    running = runMonitor({
      sql: database.sql,
      chain: CHAIN_PRESETS.bitcoin,
      dialer: directDialer,
      networks: ['ipv4'],
      settings: {
        pingIntervalMs: 100,
        shard: { index: 0, count: 1 },
        syncMs: 200,
        maxConnections: 100,
        flushMs: 50,
        rules: { behindBlocks: 3, behindMinutes: 30, highLatencyMs: 1000, flappingOutages: 3 },
      },
      signal: controller.signal,
      log: () => {},
      processAlerts: async () => {
        alertRuns.push(Date.now());
      },
      onSync: (held) => (monitor = held),
    });
    await until('connections', () => monitor?.stats().connected === 3);
    await until('latency written', async () => (await database.sql`select 1 from nodes where monitor_latency_ms is not null`).length === 3);

    const dropped = Date.now();
    await network.peers[0]!.goDown();
    await until('node_down row', async () => (await listEvents(database.sql, { limit: 5, types: ['node_down'] })).events.length === 1);
    const [node] = await database.sql<{ status: string; connected_since: Date | null }[]>`select status, connected_since from nodes where id = ${ids[0]!}`;
    assert.equal(node!.status, 'down');
    assert.equal(node!.connected_since, null);
    const [offline] = await database.sql<{ kind: string; since: Date }[]>`select kind, since from node_exceptions where node_id = ${ids[0]!}`;
    assert.equal(offline!.kind, 'offline');
    assert.ok(alertRuns.length >= 1, 'the alert processor ran for the node_down batch');

    await network.peers[0]!.comeBack();
    await until('node_up row', async () => (await listEvents(database.sql, { limit: 5, types: ['node_up'] })).events.length === 1, 20_000);
    await until('exception cleared', async () => (await database.sql`select 1 from node_exceptions where node_id = ${ids[0]!}`).length === 0);

    const { raw, events } = await streamed;
    assert.deepEqual(events.map((event) => event.type), ['node_down', 'node_up']);
    assert.match(raw, /^retry: 3000/);
    assert.match(raw, /\nid: \d+\nevent: node_down\ndata: /);
    const downEvent = (await listEvents(database.sql, { limit: 1, types: ['node_down'] })).events[0]!;
    assert.ok(Math.abs(downEvent.occurred_at - Math.floor(dropped / 1000)) <= 1);

    const spans = await database.sql<{ state: string; ended: boolean }[]>`
      select state, ended_at is not null as ended from node_monitor_spans where node_id = ${ids[0]!} order by started_at`;
    assert.deepEqual(spans.map((span) => [span.state, span.ended]), [['up', true], ['down', true], ['up', false]]);
    await broker.stop();
  });

  it('resumes a stream after Last-Event-ID with what was missed, filtered, without repeats', async () => {
    const broker = new EventBroker(database.sql, { pollMs: 100, listen: false });
    await broker.start();
    const head = await latestEventId(database.sql);
    await insertEvents(database.sql, [
      { type: 'height_behind', nodeId: ids[1]!, occurredAt: new Date(), details: { blocks_behind: 5 } },
      { type: 'version_changed', nodeId: ids[2]!, occurredAt: new Date(), details: {} },
      { type: 'height_behind', nodeId: ids[2]!, occurredAt: new Date(), details: { blocks_behind: 7 } },
    ]);
    const { events } = await readEvents(openEventStream({ sql: database.sql, broker, filter: { types: ['height_behind'] }, after: head }), 2);
    assert.deepEqual(events.map((event) => [event.type, event.node_id]), [['height_behind', ids[1]], ['height_behind', ids[2]]]);
    const onlyNode = await readEvents(openEventStream({ sql: database.sql, broker, filter: { nodeId: ids[2]! }, after: head }), 2);
    assert.deepEqual(onlyNode.events.map((event) => event.type), ['version_changed', 'height_behind']);
    await broker.stop();
  });

  it('pages events newest first with next_before, and filters by node address and since', async () => {
    const first = await listEvents(database.sql, { limit: 2 });
    assert.equal(first.events.length, 2);
    assert.ok(Number(first.events[0]!.id) > Number(first.events[1]!.id));
    const second = await listEvents(database.sql, { limit: 2, before: Number(first.next_before) });
    assert.ok(Number(second.events[0]!.id) < Number(first.events[1]!.id));
    const peer = network.peers[1]!;
    const byAddress = await listEvents(database.sql, { limit: 50, node: { kind: 'address', ip: peer.address.host, port: peer.address.port } });
    assert.ok(byAddress.events.length > 0 && byAddress.events.every((event) => event.node_id === ids[1]));
    assert.equal((await listEvents(database.sql, { limit: 50, since: Math.floor(Date.now() / 1000) + 3600 })).events.length, 0);
  });

  it('measures uptime as connected time over observed time', async () => {
    const now = new Date();
    const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
    const [row] = await database.sql<{ id: string }[]>`insert into nodes (ip, port, network, status) values ('203.0.113.77', 8333, 'ipv4', 'up') returning id`;
    const id = row!.id;
    // 40 days ago .. now: up 30 h, down 6 h (within 7 days), up since; plus an old span outside 30 days.
    await database.sql`
      insert into node_monitor_spans (node_id, state, started_at, ended_at, touched_at) values
        (${id}, 'down', ${hoursAgo(40 * 24)}, ${hoursAgo(39 * 24)}, ${hoursAgo(39 * 24)}),
        (${id}, 'up', ${hoursAgo(48)}, ${hoursAgo(18)}, ${hoursAgo(18)}),
        (${id}, 'down', ${hoursAgo(18)}, ${hoursAgo(12)}, ${hoursAgo(12)}),
        (${id}, 'up', ${hoursAgo(12)}, null, ${now})`;
    await recomputeMonitorUptime(database.sql, { now });
    const [measured] = await database.sql<{ monitor_uptime_7d: number; monitor_uptime_30d: number; monitor_observed_hours_7d: number }[]>`
      select monitor_uptime_7d, monitor_uptime_30d, monitor_observed_hours_7d from nodes where id = ${id}`;
    assert.ok(Math.abs(measured!.monitor_uptime_7d - (42 / 48) * 100) < 0.01, String(measured!.monitor_uptime_7d));
    assert.ok(Math.abs(measured!.monitor_uptime_30d - (42 / 48) * 100) < 0.01);
    assert.ok(Math.abs(measured!.monitor_observed_hours_7d - 48) < 0.01);
  });

  it("scores with the monitor's measurements while it runs, and with probe data otherwise", async () => {
    const now = new Date();
    const [row] = await database.sql<{ id: string }[]>`
      insert into nodes (ip, port, network, status, last_seen, monitor_seen_at, monitor_uptime_7d, monitor_observed_hours_7d, monitor_latency_ms)
      values ('203.0.113.78', 8333, 'ipv4', 'up', ${now}, ${now}, 80, 48, 12) returning id`;
    const id = row!.id;
    // Probe history says: always up, 40 ms.
    for (let hours = 47; hours >= 0; hours -= 1) {
      await database.sql`insert into node_checks (node_id, checked_at, status, latency_ms) values (${id}, ${new Date(now.getTime() - hours * 3_600_000)}, 'up', 40)`;
    }
    await recomputeScores(database.sql, { now });
    const read = async () =>
      (await database.sql<{ uptime_percentage: number; median_latency_ms: number }[]>`select uptime_percentage, median_latency_ms from nodes where id = ${id}`)[0]!;
    assert.deepEqual(await read(), { uptime_percentage: 80, median_latency_ms: 12 });
    await database.sql`update nodes set monitor_seen_at = ${new Date(now.getTime() - 3_600_000)} where id = ${id}`;
    await recomputeScores(database.sql, { now });
    const fallback = await read();
    assert.equal(fallback.median_latency_ms, 40);
    assert.ok(fallback.uptime_percentage > 99.9);
  });
});
