import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLiveNetwork, type LiveNetwork } from '../../crawler/simulator';
import { processAlerts } from '../../lib/alerts/processor';
import { CHAIN_PRESETS } from '../../lib/chains/presets';
import type { Sql } from '../../lib/db/client';
import { directDialer } from '../../lib/p2p/dialer';
import type { Monitor } from '../../lib/monitor/monitor';
import { runMonitor } from '../../lib/monitor/runner';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

describe(`alerts from monitor events on ${testBackend()}`, () => {
  let database: TestDatabase;
  let sql: Sql;
  let receiver: Server;
  let network: LiveNetwork;
  const deliveries: { at: number; body: { event?: string } }[] = [];
  const controller = new AbortController();
  let running: Promise<void> | undefined;

  before(async () => {
    process.env.PEERSCOPE_ALLOW_LOOPBACK_WEBHOOKS = '1';
    database = await openMigratedTestDatabase();
    sql = database.sql;
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        deliveries.push({ at: Date.now(), body: JSON.parse(body) });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    network = await startLiveNetwork({ peers: 1, loopbackOctet: 165 });
  });
  after(async () => {
    controller.abort();
    // A monitor that does not stop must fail the run, not hold it open.
    await Promise.race([running, sleep(15_000).then(() => assert.fail('the monitor did not stop within 15 s of the abort'))]);
    delete process.env.PEERSCOPE_ALLOW_LOOPBACK_WEBHOOKS;
    await network.stop();
    await new Promise((resolve) => receiver.close(resolve));
    await database.close();
  });

  it('sends the offline alert within seconds of the drop, not at the end of a crawl pass', async () => {
    const peer = network.peers[0]!;
    const [node] = await sql<{ id: string }[]>`
      insert into nodes (ip, port, network, status, protocol_version, user_agent, last_seen)
      values (${peer.address.host}, ${peer.address.port}, 'ipv4', 'up', 70016, '/Satoshi:28.1.0/', now()) returning id`;
    const [user] = await sql<{ id: string }[]>`insert into profiles (email) values ('operator@example.com') returning id`;
    await sql`
      insert into alert_subscriptions (user_id, node_id, events, webhook_enabled, webhook_url, webhook_type, unsubscribe_token, webhook_secret, cooldown_minutes)
      values (${user!.id}, ${node!.id}, ${['offline', 'online']}, true, ${`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`}, 'generic', 'unsub-token-1', 'webhook-secret-1', 0)`;
    await processAlerts(sql); // baseline: up

    let monitor: Monitor | null = null;
    running = runMonitor({
      sql,
      chain: CHAIN_PRESETS.bitcoin,
      dialer: directDialer,
      networks: ['ipv4'],
      settings: { pingIntervalMs: 1000, shard: { index: 0, count: 1 }, syncMs: 200, maxConnections: 10, flushMs: 50, rules: { behindBlocks: 3, behindMinutes: 30, highLatencyMs: 1000, flappingOutages: 3 } },
      signal: controller.signal,
      log: () => {},
      processAlerts,
      onSync: (held) => (monitor = held),
    });
    for (let waited = 0; (monitor as Monitor | null)?.stats().connected !== 1; waited += 50) {
      assert.ok(waited < 10_000, 'the monitor connects');
      await sleep(50);
    }
    const dropped = Date.now();
    await peer.goDown();
    while (deliveries.length === 0 && Date.now() - dropped < 10_000) await sleep(50);
    assert.equal(deliveries.length, 1);
    assert.equal(deliveries[0]!.body.event, 'offline');
    assert.ok(deliveries[0]!.at - dropped < 5000, `delivered ${deliveries[0]!.at - dropped} ms after the drop`);

    await peer.comeBack();
    while (deliveries.length < 2 && Date.now() - dropped < 30_000) await sleep(50);
    assert.equal(deliveries[1]?.body.event, 'online');
  });
});
