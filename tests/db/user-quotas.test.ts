import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { PeerAddress, ProbeResult } from '../../lib/crawler/types';
import { closeSql } from '../../lib/db/client';
import { setNodeProber } from '../../lib/nodes/prober';
import { POST as registerRoute } from '../../app/api/nodes/register/route';
import { POST as createAlertRoute } from '../../app/api/alerts/route';
import { POST as createKeyRoute } from '../../app/api/keys/route';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { authed, createTestUser, insertNode } from '../helpers/accounts';

/** A prober that answers after a pause, so concurrent registrations overlap while their probes run. */
const slowReachable = async (address: PeerAddress): Promise<ProbeResult> => {
  await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    address,
    checkedAt: new Date(),
    ok: true,
    latencyMs: 42,
    version: { protocolVersion: 70016, services: 1033n, userAgent: '/Satoshi:27.0.0/', startHeight: 870000, relay: true, timestamp: 0 },
    learned: [],
  };
};

describe('per-user quotas hold under concurrency', () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
    process.env.DATABASE_URL = database.url;
  });
  afterEach(async () => {
    setNodeProber(undefined);
    await database.sql`delete from app_settings where key in ('registration.max_per_hour', 'alerts.max_per_user', 'keys.max_active_per_user')`;
  });
  after(async () => {
    delete process.env.DATABASE_POOL_MAX;
    await closeSql();
    await database.close();
  });

  it('30 concurrent registrations against registration.max_per_hour=10: exactly 10 succeed, pending probes count', async () => {
    const user = await createTestUser(database.sql, 'racer@example.com');
    await database.sql`insert into app_settings (key, value) values ('registration.max_per_hour', '10'::jsonb)`;
    setNodeProber(slowReachable);
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        registerRoute(authed('/api/nodes/register', user.token, { method: 'POST', body: JSON.stringify({ ip: `8.8.${Math.floor(i / 200)}.${(i % 200) + 1}`, port: 8333 }) }), {}),
      ),
    );
    const statuses = responses.map((response) => response.status);
    assert.equal(statuses.filter((status) => status === 201).length, 10, statuses.join(','));
    assert.equal(statuses.filter((status) => status === 429).length, 20, statuses.join(','));
    const [linked] = await database.sql<{ n: number }[]>`select count(*)::int as n from user_nodes where user_id = ${user.id}`;
    assert.equal(linked!.n, 10);
    const [attempts] = await database.sql<{ n: number }[]>`select count(*)::int as n from node_registrations where user_id = ${user.id}`;
    assert.equal(attempts!.n, 10, 'refused requests leave no attempt behind');
  });

  it('25 concurrent POST /api/alerts against alerts.max_per_user=3: 3 subscriptions exist', async () => {
    const user = await createTestUser(database.sql, 'alerter@example.com');
    const nodeId = await insertNode(database.sql, { ip: '8.8.4.4', port: 8333 });
    await database.sql`insert into user_nodes (user_id, node_id) values (${user.id}, ${nodeId})`;
    await database.sql`insert into app_settings (key, value) values ('alerts.max_per_user', '3'::jsonb)`;
    const responses = await Promise.all(
      Array.from({ length: 25 }, () =>
        createAlertRoute(authed('/api/alerts', user.token, { method: 'POST', body: JSON.stringify({ nodeId, alertOffline: true, emailEnabled: true }) }), {}),
      ),
    );
    const statuses = responses.map((response) => response.status);
    assert.equal(statuses.filter((status) => status === 201).length, 3, statuses.join(','));
    assert.equal(statuses.filter((status) => status === 409).length, 22, statuses.join(','));
    const [count] = await database.sql<{ n: number }[]>`select count(*)::int as n from alert_subscriptions where user_id = ${user.id}`;
    assert.equal(count!.n, 3);
  });

  it('20 concurrent POST /api/keys against keys.max_active_per_user=4: 4 keys exist', async () => {
    const user = await createTestUser(database.sql, 'keyer@example.com');
    await database.sql`insert into app_settings (key, value) values ('keys.max_active_per_user', '4'::jsonb)`;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createKeyRoute(authed('/api/keys', user.token, { method: 'POST', body: JSON.stringify({ name: `k${i}` }) }), {})),
    );
    assert.equal(responses.filter((response) => response.status === 201).length, 4);
    const [count] = await database.sql<{ n: number }[]>`select count(*)::int as n from api_keys where user_id = ${user.id}`;
    assert.equal(count!.n, 4);
  });
});
