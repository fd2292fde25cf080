import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { resolveChain } from '../../lib/chains';
import { probePeer } from '../../lib/p2p/probe';
import { afterPassHooks } from '../../crawler/hooks';
import { runCrawlPass } from '../../crawler/pass';
import { startSimulatedNetwork } from '../../crawler/simulator';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

const TIMEOUTS = { connectMs: 5000, handshakeMs: 8000, pingMs: 4000, addrWindowMs: 1000, totalMs: 15000 };

describe(`crawler passes trigger alerts on ${testBackend()}`, () => {
  let database: TestDatabase;
  let receiver: Server;
  const deliveries: { headers: Record<string, unknown>; body: { event?: string } }[] = [];

  before(async () => {
    process.env.PEERSCOPE_ALLOW_LOOPBACK_WEBHOOKS = '1';
    database = await openMigratedTestDatabase();
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        deliveries.push({ headers: request.headers, body: JSON.parse(body) });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    delete process.env.PEERSCOPE_ALLOW_LOOPBACK_WEBHOOKS;
    await new Promise((resolve) => receiver.close(resolve));
    await database.close();
  });

  it('sends an offline webhook after the pass that finds a subscribed node gone', async () => {
    const base = resolveChain({});
    const chain = { ...base, crawler: { ...base.crawler, concurrency: 16, timeouts: TIMEOUTS } };
    const network = await startSimulatedNetwork({ nodes: 12, hostileShare: 0, slowShare: 0, goneShare: 0, randomSeed: 5 });
    const pass = () =>
      runCrawlPass({
        sql: database.sql,
        chain,
        probe: (address, signal) => probePeer(address, { chain, dialer: network.dialer, timeouts: TIMEOUTS, signal }),
        dnsSeeds: network.dnsSeeds,
        resolver: network.resolver,
        hooks: afterPassHooks(),
        minRecheckMs: 0,
      });

    const first = await pass();
    assert.deepEqual(first.hookErrors, []);
    const watched = network.reachable()[0]!.address;
    const [node] = await database.sql<{ id: string; status: string }[]>`
      select id::text as id, status from nodes where ip = ${watched.host} and port = ${watched.port}`;
    assert.equal(node!.status, 'up');
    const [user] = await database.sql<{ id: string }[]>`insert into profiles (email) values ('operator@example.com') returning id`;
    const { port } = receiver.address() as AddressInfo;
    await database.sql`
      insert into alert_subscriptions (user_id, node_id, events, webhook_enabled, webhook_url, webhook_type, unsubscribe_token, webhook_secret)
      values (${user!.id}, ${node!.id}, ${['offline', 'online']}, true, ${`http://127.0.0.1:${port}/hook`}, 'generic', 'unsub-token-1', 'webhook-secret-1')`;

    await pass(); // the processor records its baseline: the node is up, nothing is sent
    assert.equal(deliveries.length, 0);

    await network.stop(); // every peer goes away
    const third = await pass();
    assert.deepEqual(third.hookErrors, []);
    const [down] = await database.sql<{ status: string }[]>`select status from nodes where id = ${node!.id}`;
    assert.equal(down!.status, 'down');
    assert.equal(deliveries.length, 1, 'one offline alert');
    assert.equal(deliveries[0]!.body.event, 'offline');
    assert.ok(deliveries[0]!.headers['x-peerscope-signature'], 'the webhook is signed');
    const [history] = await database.sql<{ status: string; event: string }[]>`select status, event from alert_history`;
    assert.deepEqual({ ...history }, { status: 'sent', event: 'offline' });
  });
});
