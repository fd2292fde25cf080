import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PeerAddress, ProbeResult } from '../../lib/crawler/types';
import { closeSql } from '../../lib/db/client';
import { setNodeProber } from '../../lib/nodes/prober';
import { GET as myNodesRoute } from '../../app/api/my-nodes/route';
import { GET as listKeysRoute, POST as createKeyRoute } from '../../app/api/keys/route';
import { GET as listAlertsRoute, POST as createAlertRoute } from '../../app/api/alerts/route';
import { GET as historyRoute } from '../../app/api/alerts/history/route';
import { GET as unsubscribeRoute } from '../../app/api/alerts/unsubscribe/route';
import { POST as processRoute } from '../../app/api/alerts/process/route';
import { POST as registerRoute } from '../../app/api/nodes/register/route';
import { GET as adminCheckRoute } from '../../app/api/admin/check/route';
import { GET as moderationRoute, POST as reviewRoute } from '../../app/api/admin/moderation/route';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { authed, createTestUser } from '../helpers/accounts';
import { assertMatchesContract, type ContractOptions, specExample } from '../helpers/contract';
import { startReceiver } from '../helpers/receiver';

const reachable = async (address: PeerAddress): Promise<ProbeResult> => ({
  address,
  checkedAt: new Date(),
  ok: true,
  latencyMs: 42,
  version: { protocolVersion: 70016, services: 1033n, userAgent: '/Satoshi:27.0.0/', startHeight: 870000, relay: true, timestamp: 0 },
  learned: [],
});

/**
 * Every JSON example of sections 4–9 of the AtlasP2P spec (tests/fixtures/spec), held against the live
 * routes: the spec's request bodies are sent as they are (only placeholders such as "uuid" and addresses
 * the tests may not reach are replaced) and every answer must have the example's keys and JSON types.
 */
describe('account API contract (AtlasP2P spec sections 4–9)', () => {
  let database: TestDatabase;
  let user: { id: string; token: string };
  let admin: { id: string; token: string };
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let nodeId: string;

  const assertContract = (actual: unknown, fixture: string, options: ContractOptions = {}) =>
    assertMatchesContract(specExample(fixture), actual, options, `${fixture}: ${JSON.stringify(actual)}`);
  const post = (route: (request: Request, context: never) => Promise<Response>, url: string, token: string, body: unknown) =>
    route(authed(url, token, { method: 'POST', body: JSON.stringify(body) }), {} as never);

  before(async () => {
    database = await openMigratedTestDatabase();
    process.env.DATABASE_URL = database.url;
    process.env.PEERSCOPE_ALLOW_LOOPBACK_WEBHOOKS = '1';
    process.env.ALERTS_PROCESS_KEY = 'contract-process-key-0123';
    user = await createTestUser(database.sql, 'operator@example.com');
    admin = await createTestUser(database.sql, 'admin@example.com', 'admin');
    receiver = await startReceiver(() => 204);
    setNodeProber(reachable);
  });
  after(async () => {
    setNodeProber(undefined);
    delete process.env.PEERSCOPE_ALLOW_LOOPBACK_WEBHOOKS;
    delete process.env.ALERTS_PROCESS_KEY;
    await receiver.close();
    await closeSql();
    await database.close();
  });

  it('POST /api/nodes/register (7)', async () => {
    // The example's 192.168.1.1 is private (refused); a public address stands in (the prober is faked).
    const body = { ...specExample<Record<string, unknown>>('nodes-register.request'), ip: '8.8.8.8' };
    const response = await post(registerRoute, '/api/nodes/register', user.token, body);
    assert.equal(response.status, 201);
    const result = await response.json();
    // Extensions beyond the spec: the label and the probe result, and the node's handshake fields.
    assertContract(result, 'nodes-register.response', { extensible: ['', 'node'] });
    nodeId = result.node.id;
    await database.sql`
      update nodes set tier = 'gold', pix_score = 920, verified = true, verified_at = now(), country = 'US',
        country_name = 'United States', city = 'San Francisco' where id = ${nodeId}`;
    await database.sql`update user_nodes set label = 'My Node' where node_id = ${nodeId}`;
    await database.sql`
      insert into verifications (node_id, user_id, method, challenge, status, decided_at)
      values (${nodeId}, ${user.id}, 'message_sign', 'peerscope-0000000000000000', 'verified', now())`;
  });

  it('GET /api/my-nodes (4)', async () => {
    const response = await myNodesRoute(authed('/api/my-nodes', user.token), {});
    // No avatars in Peerscope: avatarUrl is always null. Nodes carry extra fields (network, rank, asn, …).
    assertContract(await response.json(), 'my-nodes.response', { nullable: ['nodes[].avatarUrl'], extensible: ['nodes[]'] });
  });

  it('POST and GET /api/keys (5)', async () => {
    // The example expires on 2026-01-01, which may be past; a date a year ahead stands in.
    const body = { ...specExample<Record<string, unknown>>('keys-create.request'), expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString() };
    const response = await post(createKeyRoute, '/api/keys', user.token, body);
    assert.equal(response.status, 201);
    const created = await response.json();
    // The created key carries every field GET /api/keys lists (description, lastUsedAt, requestCount, …).
    assertContract(created, 'keys-create.response', { extensible: ['key'] });
    await database.sql`update api_keys set last_used_at = now(), usage_count = 5420 where id = ${created.key.id}`;
    // Listed keys add revokedAt.
    assertContract(await (await listKeysRoute(authed('/api/keys', user.token), {})).json(), 'keys-list.response', { extensible: ['keys[]'] });
  });

  it('POST and GET /api/alerts, POST /api/alerts/process, GET /api/alerts/history and unsubscribe (6, 9)', async () => {
    // The example's Discord URL is replaced by a local receiver (tests never leave loopback).
    const body = { ...specExample<Record<string, unknown>>('alerts-create.request'), nodeId, webhookUrl: `${receiver.url}/api/webhooks/xxx/yyy` };
    const created = await post(createAlertRoute, '/api/alerts', user.token, body);
    assert.equal(created.status, 201, await created.clone().text());
    // Subscriptions add email_address, enabled, last_notified_at and updated_at.
    assertContract(await (await listAlertsRoute(authed('/api/alerts', user.token), {})).json(), 'alerts-list.response', { extensible: ['subscriptions[]'] });

    const processKey = 'contract-process-key-0123';
    const runProcessor = () =>
      processRoute(
        new Request('http://127.0.0.1/api/alerts/process', {
          method: 'POST',
          headers: { authorization: `Bearer ${processKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(specExample('alerts-process.request')),
        }),
        {},
      );
    assert.equal((await runProcessor()).status, 200); // baseline
    await database.sql`update nodes set status = 'down' where id = ${nodeId}`;
    const run = await (await runProcessor()).json();
    // The run adds checkMinutes and a per-channel summary.
    assertContract(run, 'alerts-process.response', { extensible: [''] });
    assert.equal(receiver.requests.length, 1, 'the Discord message went out');

    // History entries add the delivery status and the channels used.
    assertContract(await (await historyRoute(authed('/api/alerts/history?limit=50&offset=0', user.token), {})).json(), 'alerts-history.response', {
      extensible: ['history[]'],
    });

    const [{ unsubscribe_token: token }] = (await database.sql`select unsubscribe_token from alert_subscriptions where node_id = ${nodeId}`) as unknown as [{ unsubscribe_token: string }];
    const unsubscribed = await unsubscribeRoute(new Request(`http://127.0.0.1/api/alerts/unsubscribe?token=${token}`), {});
    // The answer adds the subscription_id it turned off.
    assertContract(await unsubscribed.json(), 'alerts-unsubscribe.response', { extensible: [''] });
  });

  it('GET /api/admin/check, GET and POST /api/admin/moderation (8)', async () => {
    assertContract(await (await adminCheckRoute(authed('/api/admin/check', admin.token), {})).json(), 'admin-check.response');
    const [verification] = await database.sql<{ id: string }[]>`
      insert into verifications (node_id, user_id, method, challenge, status)
      values (${nodeId}, ${user.id}, 'http_file', 'peerscope-1111111111111111', 'needs_review') returning id`;
    // Items add the verification's own fields (node_id, user_agent, evidence, notes, expires_at, …).
    assertContract(await (await moderationRoute(authed('/api/admin/moderation', admin.token), {})).json(), 'admin-moderation.response', { extensible: ['items[]'] });
    const review = await post(reviewRoute, '/api/admin/moderation', admin.token, { ...specExample<Record<string, unknown>>('admin-moderation.request'), itemId: verification!.id });
    assert.equal(review.status, 200, await review.clone().text());
  });
});
