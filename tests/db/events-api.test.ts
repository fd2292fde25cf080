import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GET as getEvents } from '../../app/api/events/route';
import { GET as getStream } from '../../app/api/events/stream/route';
import { GET as getNode } from '../../app/api/nodes/[id]/route';
import { resetEventBroker } from '../../lib/events/broker';
import { insertEvents } from '../../lib/events/record';
import { context, fromAddress, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

async function readUntil(response: Response, pattern: RegExp, timeoutMs = 8000): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(text) && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), sleep(deadline - Date.now()).then(() => null)]);
    if (!chunk || chunk.done) break;
    text += decoder.decode(chunk.value);
  }
  await reader.cancel();
  return text;
}

describe(`events API on ${testBackend()}`, () => {
  let database: TestDatabase;
  const ids: string[] = [];

  before(async () => {
    database = await openMigratedTestDatabase();
    process.env.EVENTS_POLL_MS = '100';
    process.env.EVENTS_HEARTBEAT_SECONDS = '0.2';
    await useDatabaseForRoutes(database.url);
    for (const ip of ['203.0.113.1', '203.0.113.2']) {
      const [row] = await database.sql<{ id: string }[]>`insert into nodes (ip, port, network, status) values (${ip}, 8333, 'ipv4', 'down') returning id`;
      ids.push(String(row!.id));
    }
    await insertEvents(database.sql, [
      { type: 'node_down', nodeId: ids[0]!, occurredAt: new Date(Date.now() - 60_000), details: { reason: 'ECONNREFUSED' } },
      { type: 'node_up', nodeId: ids[0]!, occurredAt: new Date(Date.now() - 30_000), details: {} },
      { type: 'node_down', nodeId: ids[1]!, occurredAt: new Date(), details: { reason: 'timeout: pong' } },
    ]);
  });
  after(async () => {
    await resetEventBroker();
    await releaseRoutes();
    delete process.env.DATABASE_POOL_MAX;
    delete process.env.EVENTS_POLL_MS;
    delete process.env.EVENTS_HEARTBEAT_SECONDS;
    await database.close();
  });

  it('lists events newest first with filters and keyset pages', async () => {
    const all = await getEvents(request('/api/events'));
    assert.equal(all.status, 200);
    const body = (await all.json()) as { events: { id: string; type: string; node: string; details: unknown }[]; next_before: string | null };
    assert.deepEqual(body.events.map((event) => event.type), ['node_down', 'node_up', 'node_down']);
    assert.equal(body.events[0]!.node, '203.0.113.2:8333');
    assert.deepEqual(body.events[0]!.details, { reason: 'timeout: pong' });

    const downs = (await (await getEvents(request(`/api/events?type=node_down&node=203.0.113.1-8333`))).json()) as { events: unknown[] };
    assert.equal(downs.events.length, 1);
    const page = (await (await getEvents(request('/api/events?limit=2'))).json()) as { events: { id: string }[]; next_before: string };
    assert.equal(page.events.length, 2);
    const rest = (await (await getEvents(request(`/api/events?limit=2&before=${page.next_before}`))).json()) as { events: unknown[]; next_before: null };
    assert.equal(rest.events.length, 1);
    assert.equal(rest.next_before, null);
    const after = (await (await getEvents(request(`/api/events?after=${page.events[1]!.id}`))).json()) as { events: { id: string }[] };
    assert.deepEqual(after.events.map((event) => event.id), [page.events[0]!.id]);
  });

  it('answers bad parameters with a JSON 400 and bad keys with 401', async () => {
    for (const query of ['type=node_exploded', 'since=-1', 'limit=100000', 'node=not-a-node', 'before=abc']) {
      const response = await getEvents(request(`/api/events?${query}`));
      assert.equal(response.status, 400, query);
      const body = (await response.json()) as { error: string; details: string };
      assert.ok(body.error && body.details, query);
    }
    assert.equal((await getStream(request('/api/events/stream?type=bogus'))).status, 400);
    assert.equal((await getStream(request('/api/events/stream', { authorization: 'Bearer btc_sk_nope' }))).status, 401);
    assert.equal((await getStream(request('/api/events/stream?node=203.0.113.99-8333'))).status, 404);
  });

  it('streams with Last-Event-ID resume, filters, heartbeats, then live events', async () => {
    const response = await getStream(request('/api/events/stream?type=node_down', { 'last-event-id': '0' }));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^text\/event-stream/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const text = await readUntil(response, /^(?=[\s\S]*: heartbeat)(?=[\s\S]*event: node_down[\s\S]*event: node_down)/);
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((match) => match[1]);
    assert.equal(ids.length, 2, text);
    assert.doesNotMatch(text, /event: node_up/);

    const live = await getStream(request('/api/events/stream?node=203.0.113.1-8333'));
    const reading = readUntil(live, /event: height_behind/);
    await sleep(300);
    await insertEvents(database.sql, [
      { type: 'height_behind', nodeId: '999999', occurredAt: new Date(), details: {} }, // a deleted node: skipped, not a failed batch
      { type: 'height_behind', nodeId: (await database.sql`select id from nodes where ip = '203.0.113.2'`)[0]!.id, occurredAt: new Date(), details: {} },
      { type: 'height_behind', nodeId: (await database.sql`select id from nodes where ip = '203.0.113.1'`)[0]!.id, occurredAt: new Date(), details: { blocks_behind: 4 } },
    ]);
    const liveText = await reading;
    assert.equal([...liveText.matchAll(/^event: /gm)].length, 1, 'only the filtered node, and nothing from before the stream opened');
    assert.match(liveText, /"blocks_behind":4/);
  });

  it("shows a node's open exceptions with since-when in GET /api/nodes/{id}", async () => {
    const since = new Date('2026-11-20T10:00:00Z');
    await database.sql`insert into node_exceptions (node_id, kind, since, details) values (${ids[1]!}, 'offline', ${since}, '{}'), (${ids[1]!}, 'flapping', ${since}, '{"outages_24h": 4}')`;
    const body = (await (await getNode(request(`/api/nodes/${ids[1]}`), context({ id: ids[1]! }))).json()) as { exceptions: unknown };
    assert.deepEqual(body.exceptions, [
      { kind: 'flapping', since: since.getTime() / 1000, details: { outages_24h: 4 } },
      { kind: 'offline', since: since.getTime() / 1000, details: {} },
    ]);
    const none = (await (await getNode(request(`/api/nodes/${ids[0]}`), context({ id: ids[0]! }))).json()) as { exceptions: unknown };
    assert.deepEqual(none.exceptions, []);
  });

  it('caps open streams per client address', async () => {
    const ip = '198.19.7.7';
    const open: Response[] = [];
    // Streams left open would keep the test process alive: close every one, pass or fail.
    const opened: Response[] = [];
    const stream = async (address: string) => {
      const response = await getStream(request('/api/events/stream', fromAddress(address)));
      opened.push(response);
      return response;
    };
    const closeAll = () => Promise.all(opened.map((response) => response.body?.cancel().catch(() => {})));
    try {
      for (let index = 0; index < 5; index += 1) {
        const response = await stream(ip);
        assert.equal(response.status, 200);
        open.push(response);
      }
      const refused = await stream(ip);
      assert.equal(refused.status, 429);
      assert.equal(((await refused.json()) as { error: string }).error, 'Too many open streams');
      const other = await stream('198.19.7.8');
      assert.equal(other.status, 200);
      await other.body!.cancel();
      await open[0]!.body!.cancel();
      const again = await stream(ip);
      assert.equal(again.status, 200, 'a closed stream frees its slot');
      await again.body!.cancel();
    } finally {
      await closeAll();
    }
  });
});
