import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { closeSql } from '../../lib/db/client';
import { createDeliver, deliveryConfig, webhookSignature, type AlertMessage, type Deliver } from '../../lib/alerts/delivery';
import { processAlerts } from '../../lib/alerts/processor';
import { createSubscription } from '../../lib/alerts/subscriptions';
import { GET as listRoute, POST as createRoute } from '../../app/api/alerts/route';
import { DELETE as deleteRoute, PUT as updateRoute } from '../../app/api/alerts/[id]/route';
import { GET as historyRoute } from '../../app/api/alerts/history/route';
import { GET as processGet, POST as processRoute } from '../../app/api/alerts/process/route';
import { GET as unsubscribeRoute } from '../../app/api/alerts/unsubscribe/route';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { authed, createTestUser, insertNode, params } from '../helpers/accounts';
import { startReceiver } from '../helpers/receiver';

describe('alerts', () => {
  let database: TestDatabase;
  let user: { id: string; token: string };
  before(async () => {
    database = await openMigratedTestDatabase();
    process.env.DATABASE_URL = database.url;
    user = await createTestUser(database.sql, 'alerts@example.com');
  });
  afterEach(() => {
    delete process.env.PEERSCOPE_ALLOW_LOOPBACK_WEBHOOKS;
    delete process.env.ALERTS_PROCESS_KEY;
  });
  after(async () => {
    await closeSql();
    await database.close();
  });

  async function myNode(ip: string, values: { status?: string; user_agent?: string; tier?: string | null } = {}) {
    const id = await insertNode(database.sql, { ip, ...values });
    await database.sql`insert into user_nodes (user_id, node_id) values (${user.id}, ${id})`;
    return id;
  }

  /** A recording fake deliverer. */
  function recorder(outcome: () => boolean = () => true) {
    const calls: AlertMessage[] = [];
    const deliver: Deliver = async (_target, message) => {
      calls.push(message);
      return outcome() ? { ok: true } : { ok: false, error: 'receiver down' };
    };
    return { calls, deliver };
  }

  it('creates, lists, updates and deletes subscriptions (spec shapes); loopback webhooks need the test-only allowance', async () => {
    const nodeId = await myNode('11.0.0.1');
    const post = (body: unknown) => createRoute(authed('/api/alerts', user.token, { method: 'POST', body: JSON.stringify(body) }), {});
    const refused = await post({ nodeId, webhookEnabled: true, webhookUrl: 'http://127.0.0.1:9/hook', webhookType: 'generic' });
    assert.equal(refused.status, 400);
    assert.match((await refused.json()).details, /loopback/);
    assert.equal((await post({ nodeId, webhookEnabled: true, webhookUrl: 'http://10.0.0.1/hook' })).status, 400);
    assert.equal((await post({ nodeId, webhookEnabled: true, webhookUrl: 'https://evil.example/api/webhooks/1/x', webhookType: 'discord' })).status, 400);
    assert.equal((await post({ nodeId, webhookEnabled: true })).status, 400, 'a webhook needs its URL');
    assert.equal((await post({ nodeId, emailEnabled: false })).status, 400, 'at least one channel');
    assert.equal((await post({ nodeId, emailAddress: 'not an email' })).status, 400);
    assert.equal((await post({ nodeId, alertOffline: false, alertOnline: false })).status, 400, 'at least one event');
    assert.equal((await post({ nodeId, alertExplode: true })).status, 400);
    assert.equal((await post({ nodeId: '999999' })).status, 404);
    assert.equal((await post({ nodeId: 'abc' })).status, 400);
    const foreignNode = await insertNode(database.sql, { ip: '11.0.0.2' });
    assert.equal((await post({ nodeId: foreignNode })).status, 403);

    process.env.PEERSCOPE_ALLOW_LOOPBACK_WEBHOOKS = '1';
    const created = await post({
      nodeId, alertOffline: true, alertOnline: false, emailEnabled: true, webhookEnabled: true,
      webhookUrl: 'http://127.0.0.1:9/hook', webhookType: 'generic', cooldownMinutes: 5,
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('access-control-allow-origin'), '*');
    const body = await created.json();
    assert.match(body.webhook_secret, /^whsec_/);
    assert.deepEqual({ ...body.subscription, id: undefined, created_at: undefined, updated_at: undefined }, {
      id: undefined, node_id: nodeId, alert_offline: true, alert_online: false, alert_version_outdated: false, alert_tier_change: false,
      email_enabled: true, email_address: 'alerts@example.com', webhook_enabled: true, webhook_url: 'http://127.0.0.1:9/hook', webhook_type: 'generic',
      cooldown_minutes: 5, enabled: true, last_notified_at: null, created_at: undefined, updated_at: undefined,
      node: { id: nodeId, ip: '11.0.0.1', port: 8333, status: 'up', country_name: null },
    });
    const asNumber = await post({ nodeId: Number(nodeId), cooldownMinutes: '15' });
    assert.equal(asNumber.status, 201, 'ids and numbers are accepted as numbers or strings');
    const second = (await asNumber.json()).subscription;
    assert.equal(second.cooldown_minutes, 15);

    const list = await (await listRoute(authed('/api/alerts', user.token), {})).json();
    assert.equal(list.subscriptions.length, 2);
    assert.ok(!JSON.stringify(list).includes(body.webhook_secret), 'secrets are not listed');

    const id = body.subscription.id;
    const put = (payload: unknown) => updateRoute(authed('/x', user.token, { method: 'PUT', body: JSON.stringify(payload) }), params({ id }));
    const updated = await put({ alertOnline: true, emailEnabled: false, rotateSecret: true });
    assert.equal(updated.status, 200);
    const updatedBody = await updated.json();
    assert.equal(updatedBody.subscription.alert_online, true);
    assert.equal(updatedBody.subscription.alert_offline, true);
    assert.equal(updatedBody.subscription.email_enabled, false);
    assert.notEqual(updatedBody.webhook_secret, body.webhook_secret);
    assert.equal((await put({})).status, 400);
    assert.equal((await put({ webhookUrl: 'http://10.1.1.1/x' })).status, 400, 'URLs are checked on update too');
    assert.equal((await deleteRoute(authed('/x', user.token, { method: 'DELETE' }), params({ id }))).status, 200);
    assert.equal((await deleteRoute(authed('/x', user.token, { method: 'DELETE' }), params({ id }))).status, 404);
    assert.equal((await deleteRoute(authed('/x', user.token, { method: 'DELETE' }), params({ id: second.id }))).status, 200);
  });

  it('processes state changes once: baseline, offline, no double send, cooldown, online', async () => {
    const nodeId = await myNode('12.0.0.1', { status: 'up' });
    const { subscription } = await createSubscription(database.sql, user.id, { nodeId, emailAddress: 'ops@example.com', cooldownMinutes: 30 });
    const { calls, deliver } = recorder();
    const t0 = new Date('2026-11-24T10:00:00Z');

    let summary = await processAlerts(database.sql, { deliver, now: t0 });
    assert.equal(summary.baselined, 1);
    assert.equal(calls.length, 0, 'the first sight only records a baseline');

    await database.sql`update nodes set status = 'down' where id = ${nodeId}`;
    summary = await processAlerts(database.sql, { deliver, now: new Date(t0.getTime() + 60_000) });
    assert.equal(summary.sent, 1);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.event, 'offline');
    assert.equal(calls[0]!.id, `${subscription.id}:1:offline:up->down`);

    summary = await processAlerts(database.sql, { deliver, now: new Date(t0.getTime() + 120_000) });
    assert.equal(calls.length, 1, 'reprocessing never sends twice');

    // Replaying the same transition (as after a crash before the state was saved) hits the idempotency key.
    await database.sql`update alert_subscriptions set last_status = 'up', state_version = 0 where id = ${subscription.id}`;
    summary = await processAlerts(database.sql, { deliver, now: new Date(t0.getTime() + 150_000) });
    assert.equal(summary.duplicates, 1);
    assert.equal(calls.length, 1);

    // Back up within the cooldown: recorded as suppressed, not sent.
    await database.sql`update nodes set status = 'up' where id = ${nodeId}`;
    summary = await processAlerts(database.sql, { deliver, now: new Date(t0.getTime() + 10 * 60_000) });
    assert.equal(summary.suppressed, 1);
    assert.equal(calls.length, 1);

    // Down again after the cooldown: sent.
    await database.sql`update nodes set status = 'down' where id = ${nodeId}`;
    summary = await processAlerts(database.sql, { deliver, now: new Date(t0.getTime() + 45 * 60_000) });
    assert.equal(summary.sent, 1);
    assert.equal(calls.length, 2);

    const history = await (await historyRoute(authed(`/api/alerts/history?limit=2&subscription_id=${subscription.id}`, user.token), {})).json();
    assert.deepEqual(history.history.map((row: { status: string }) => row.status), ['sent', 'suppressed']);
    assert.deepEqual(history.history.map((row: { email_sent: boolean }) => row.email_sent), [true, false]);
    assert.deepEqual(history.pagination, { limit: 2, offset: 0, total: 3 });
    assert.equal(history.history[0].alert_type, 'offline');
    assert.equal(history.history[0].webhook_sent, false);
    assert.equal(history.history[0].subscription_id, subscription.id);
    assert.equal(history.history[0].node_id, nodeId);
    assert.match(history.history[0].message, /12\.0\.0\.1:8333 is offline/);
    assert.deepEqual(history.history[0].node, { ip: '12.0.0.1', port: 8333, country_name: null });
    const rest = await (await historyRoute(authed(`/api/alerts/history?offset=2&subscription_id=${subscription.id}`, user.token), {})).json();
    assert.deepEqual(rest.history.map((row: { alert_type: string }) => row.alert_type), ['offline']);
    assert.equal((await historyRoute(authed('/api/alerts/history?offset=-1', user.token), {})).status, 400);
  });

  it('reports version_outdated and tier_change, and retries failed deliveries within limits', async () => {
    const nodeId = await myNode('13.0.0.1', { status: 'up', user_agent: '/Satoshi:27.0.0/', tier: 'gold' });
    await insertNode(database.sql, { ip: '13.0.0.2', status: 'up', user_agent: '/Satoshi:29.0.0/' });
    await database.sql`update nodes set user_agent = '/Satoshi:27.0.0/' where ip = '13.0.0.2'`;
    const { subscription } = await createSubscription(database.sql, user.id, {
      nodeId, emailAddress: 'ops@example.com', alertOffline: false, alertOnline: false, alertVersionOutdated: true, alertTierChange: true, cooldownMinutes: 0,
    });
    let healthy = false;
    const { calls, deliver } = recorder(() => healthy);
    await processAlerts(database.sql, { deliver });
    // The admin raises the minimum version class: 27.0.0 becomes outdated.
    await database.sql`insert into app_settings (key, value) values ('versions.minimum', '"28.0"'::jsonb)`;
    await database.sql`update nodes set tier = 'silver' where id = ${nodeId}`;
    await database.sql`insert into app_settings (key, value) values ('alerts.max_delivery_attempts', '2'::jsonb)`;
    try {
      let summary = await processAlerts(database.sql, { deliver });
      assert.equal(summary.failed, 2);
      assert.deepEqual(calls.map((call) => call.event).sort(), ['tier_change', 'version_outdated']);
      const failed = await database.sql`select status, error, attempts from alert_history where subscription_id = ${subscription.id}`;
      assert.ok(failed.every((row) => row.status === 'failed' && row.error === 'receiver down' && row.attempts === 1));

      summary = await processAlerts(database.sql, { deliver });
      assert.equal(summary.retried, 2);
      assert.equal(summary.retry_sent, 0);
      healthy = true;
      summary = await processAlerts(database.sql, { deliver });
      assert.equal(summary.retried, 0, 'attempts are capped by alerts.max_delivery_attempts');

      await database.sql`update app_settings set value = '5'::jsonb where key = 'alerts.max_delivery_attempts'`;
      summary = await processAlerts(database.sql, { deliver });
      assert.equal(summary.retry_sent, 2);
      const sent = await database.sql`select status, attempts from alert_history where subscription_id = ${subscription.id}`;
      assert.ok(sent.every((row) => row.status === 'sent' && row.attempts === 3));
    } finally {
      await database.sql`delete from app_settings where key = 'alerts.max_delivery_attempts'`;
    }
  });

  it('delivers email through Resend, Discord embeds and signed webhooks to local receivers', async () => {
    const resend = await startReceiver();
    const discord = await startReceiver(() => 204);
    const hook = await startReceiver();
    try {
      process.env.PEERSCOPE_ALLOW_LOOPBACK_WEBHOOKS = '1';
      const nodeId = await myNode('14.0.0.1', { status: 'up' });
      // One subscription sends email AND a signed webhook; another only a Discord message.
      const web = await createSubscription(database.sql, user.id, {
        nodeId, alertOnline: false, emailEnabled: true, emailAddress: 'Ops@Example.com', webhookEnabled: true, webhookUrl: `${hook.url}/peerscope`, cooldownMinutes: 0,
      });
      const disc = await createSubscription(database.sql, user.id, {
        nodeId, alertOnline: false, emailEnabled: false, webhookEnabled: true, webhookUrl: `${discord.url}/api/webhooks/1/token`, webhookType: 'discord', cooldownMinutes: 0,
      });
      assert.equal(web.subscription.webhook_type, 'generic');
      assert.equal(disc.webhook_secret, null, 'Discord webhooks are not signed');
      const deliver = createDeliver(deliveryConfig({
        RESEND_API_KEY: 're_test_123', RESEND_FROM: 'Peerscope <alerts@peerscope.test>', RESEND_BASE_URL: resend.url,
        PUBLIC_BASE_URL: 'https://peerscope.test', PEERSCOPE_ALLOW_LOOPBACK_WEBHOOKS: '1', NODE_ENV: 'test',
      }));
      // Leave only these three subscriptions enabled.
      await database.sql`update alert_subscriptions set enabled = false where node_id <> ${nodeId}`;
      await processAlerts(database.sql, { deliver });
      await database.sql`update nodes set status = 'down' where id = ${nodeId}`;
      const summary = await processAlerts(database.sql, { deliver });
      assert.equal(summary.sent, 3, JSON.stringify(summary));

      assert.equal(resend.requests.length, 1);
      const mail = resend.requests[0]!;
      assert.equal(mail.method, 'POST');
      assert.equal(mail.url, '/emails');
      assert.equal(mail.headers.authorization, 'Bearer re_test_123');
      assert.match(String(mail.headers['content-type']), /application\/json/);
      assert.ok(mail.headers['idempotency-key']);
      const mailBody = JSON.parse(mail.body);
      assert.equal(mailBody.from, 'Peerscope <alerts@peerscope.test>');
      assert.deepEqual(mailBody.to, ['ops@example.com']);
      assert.match(mailBody.subject, /14\.0\.0\.1:8333 is offline/);
      assert.ok(mailBody.text.includes(`https://peerscope.test/api/alerts/unsubscribe?token=`));
      assert.match(mailBody.headers['List-Unsubscribe'], /^<https:\/\/peerscope\.test\/api\/alerts\/unsubscribe\?token=/);

      const discordBody = JSON.parse(discord.requests[0]!.body);
      assert.equal(discord.requests[0]!.url, '/api/webhooks/1/token');
      assert.equal(discordBody.embeds.length, 1);
      assert.match(discordBody.embeds[0].title, /is offline/);

      const received = hook.requests[0]!;
      const timestamp = String(received.headers['x-peerscope-timestamp']);
      assert.equal(received.headers['x-peerscope-signature'], webhookSignature(web.webhook_secret!, timestamp, received.body));
      assert.equal(received.headers['x-peerscope-event'], 'offline');
      const payload = JSON.parse(received.body);
      assert.equal(payload.type, 'peerscope.alert');
      assert.equal(payload.event, 'offline');
      assert.deepEqual(payload.change, { from: 'up', to: 'down' });
      assert.equal(payload.id, received.headers['x-peerscope-delivery']);
      const history = await (await historyRoute(authed(`/api/alerts/history?subscription_id=${web.subscription.id}`, user.token), {})).json();
      assert.equal(history.history.length, 1, 'one entry per change, whatever the channels');
      assert.equal(history.history[0].email_sent, true);
      assert.equal(history.history[0].webhook_sent, true);

      // Without the allowance, delivery refuses the loopback receiver (checked again at delivery time).
      const strict = createDeliver(deliveryConfig({ NODE_ENV: 'test' }));
      const refused = await strict({ channel: 'webhook', target: `${hook.url}/peerscope`, webhook_secret: 's', unsubscribe_token: 't' }, payload);
      assert.equal(refused.ok, false);
      assert.match((refused as { error: string }).error, /loopback/);
      const noEmail = await createDeliver(deliveryConfig({}))({ channel: 'email', target: 'a@example.com', webhook_secret: null, unsubscribe_token: 't' }, payload);
      assert.equal(noEmail.ok, false);
    } finally {
      await resend.close();
      await discord.close();
      await hook.close();
    }
  });

  it('unsubscribes from email by a 64-hex token (HTML or JSON) and guards the process endpoint', async () => {
    const nodeId = await myNode('15.0.0.1');
    await createSubscription(database.sql, user.id, { nodeId, emailAddress: 'u@example.com', cooldownMinutes: 0 });
    const [row] = await database.sql`select unsubscribe_token from alert_subscriptions where node_id = ${nodeId}`;
    assert.match(row!.unsubscribe_token, /^[0-9a-f]{64}$/);
    const html = await unsubscribeRoute(new Request(`http://127.0.0.1/api/alerts/unsubscribe?token=${row!.unsubscribe_token}`, { headers: { accept: 'text/html' } }), {});
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await html.text(), /no longer get email alerts for node 15\.0\.0\.1:8333/);
    // Mail clients add tracking parameters to links; they must not break unsubscribing.
    const json = await unsubscribeRoute(new Request(`http://127.0.0.1/api/alerts/unsubscribe?token=${row!.unsubscribe_token}&utm_source=mail`), {});
    const body = await json.json();
    assert.equal(body.success, true);
    assert.equal(body.message, 'You have been successfully unsubscribed from email alerts.');
    assert.deepEqual(body.nodeInfo, { ip: '15.0.0.1', port: 8333 });
    const [after] = await database.sql`select enabled, email_enabled from alert_subscriptions where node_id = ${nodeId}`;
    assert.deepEqual({ ...after }, { enabled: true, email_enabled: false });
    assert.equal((await unsubscribeRoute(new Request(`http://127.0.0.1/api/alerts/unsubscribe?token=${'0'.repeat(64)}`), {})).status, 404);
    assert.equal((await unsubscribeRoute(new Request('http://127.0.0.1/api/alerts/unsubscribe?token=nope-nope'), {})).status, 400);
    assert.equal((await unsubscribeRoute(new Request('http://127.0.0.1/api/alerts/unsubscribe'), {})).status, 400);

    const call = (auth?: string, body = '{"checkMinutes": 10}') =>
      processRoute(new Request('http://127.0.0.1/api/alerts/process', { method: 'POST', body, headers: auth ? { authorization: auth, 'content-type': 'application/json' } : {} }), {});
    assert.equal((await call('Bearer x')).status, 503);
    process.env.ALERTS_PROCESS_KEY = 'process-key-123';
    assert.equal((await call('Bearer process-key-123')).status, 503, 'a key under 16 characters is refused');
    process.env.ALERTS_PROCESS_KEY = 'process-key-1234567';
    assert.equal((await call()).status, 401);
    assert.equal((await call('Bearer wrong')).status, 401);
    assert.equal((await call('Bearer process-key-1234567', '{"checkMinutes": "x"}')).status, 400);
    // Only disabled or locally-deliverable subscriptions remain; email delivery is unconfigured here, which is fine.
    const ok = await call('Bearer process-key-1234567');
    assert.equal(ok.status, 200);
    const result = await ok.json();
    assert.equal(typeof result.processed, 'number');
    assert.equal(typeof result.sent, 'number');
    assert.ok(Array.isArray(result.details));
    // Vercel Cron: GET with Authorization: Bearer $CRON_SECRET (16+ characters).
    const cron = (auth: string) => processGet(new Request('http://127.0.0.1/api/alerts/process', { headers: { authorization: auth } }), {});
    process.env.CRON_SECRET = 'cron-secret-0123456789';
    try {
      assert.equal((await cron('Bearer cron-secret-0123456789')).status, 200);
      assert.equal((await cron('Bearer process-key-1234567')).status, 200);
      assert.equal((await cron('Bearer cron-secret-012345678')).status, 401);
      delete process.env.ALERTS_PROCESS_KEY;
      assert.equal((await cron('Bearer cron-secret-0123456789')).status, 200, 'CRON_SECRET alone is enough');
      process.env.CRON_SECRET = 'too-short';
      assert.equal((await cron('Bearer too-short')).status, 503);
    } finally {
      delete process.env.CRON_SECRET;
    }
  });

  it('lists "ip:port:type:subscription" details for the changes POST /api/alerts/process sent', async () => {
    process.env.PEERSCOPE_ALLOW_LOOPBACK_WEBHOOKS = '1';
    const hook = await startReceiver();
    try {
      await database.sql`update alert_subscriptions set enabled = false`;
      const nodeId = await myNode('17.0.0.1', { status: 'up' });
      const { subscription } = await createSubscription(database.sql, user.id, {
        nodeId, emailEnabled: false, webhookEnabled: true, webhookUrl: `${hook.url}/h`, cooldownMinutes: 0,
      });
      process.env.ALERTS_PROCESS_KEY = 'process-key-1234567';
      const call = async () =>
        (await processRoute(new Request('http://127.0.0.1/api/alerts/process', { method: 'POST', body: '{}', headers: { authorization: 'Bearer process-key-1234567' } }), {})).json();
      await call();
      await database.sql`update nodes set status = 'down' where id = ${nodeId}`;
      const result = await call();
      assert.deepEqual({ processed: result.processed, sent: result.sent, details: result.details }, { processed: 1, sent: 1, details: [`17.0.0.1:8333:offline:${subscription.id}`] });
    } finally {
      await hook.close();
    }
  });

  it('handles every subscription each run, however many there are, in pages', async () => {
    const ips = ['16.0.0.1', '16.0.0.2', '16.0.0.3', '16.0.0.4', '16.0.0.5'];
    for (const ip of ips) {
      const nodeId = await myNode(ip, { status: 'up' });
      await createSubscription(database.sql, user.id, { nodeId, emailAddress: 'pages@example.com', alertOnline: false, cooldownMinutes: 0 });
    }
    const { calls, deliver } = recorder();
    const first = await processAlerts(database.sql, { deliver, limit: 2 });
    assert.equal(first.baselined, ips.length, 'all five are baselined in one run with pages of two');
    await database.sql`update nodes set status = 'down' where ip = any(${ips})`;
    await processAlerts(database.sql, { deliver, limit: 2 });
    const offline = calls.filter((message) => ips.includes(message.node.ip) && message.event === 'offline');
    assert.equal(offline.length, ips.length);
  });
});
