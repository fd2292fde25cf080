import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { POST as retryRoute } from '../../app/api/admin/nodes/[id]/retry/route';
import { GET as getNode } from '../../app/api/nodes/[id]/route';
import { nodesDueForProbe, recordProbeResults } from '../../lib/crawler/persist';
import { connectionState } from '../../lib/nodes/connection-state';
import { authed, createTestUser, params } from '../helpers/accounts';
import { context, insertNode, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

const unix = (date: Date) => Math.floor(date.getTime() / 1000);

describe(`point detail and backoff retry on ${testBackend()}`, () => {
  let database: TestDatabase;
  let admin: { id: string; token: string };
  let user: { id: string; token: string };
  let failing: string;
  let healthy: string;
  const lastChecked = new Date(Date.now() - 10 * 60_000);
  const lastSeen = new Date(Date.now() - 3 * 86_400_000);

  before(async () => {
    delete process.env.CRAWL_INTERVAL_SECONDS;
    database = await openMigratedTestDatabase();
    const { sql } = database;
    admin = await createTestUser(sql, 'root@example.com', 'admin');
    user = await createTestUser(sql, 'someone@example.com');
    failing = await insertNode(sql, { ip: '198.51.100.9', status: 'down', last_seen: lastSeen });
    await sql`update nodes set consecutive_failures = 5, last_checked = ${lastChecked} where id = ${failing}`;
    await sql`
      insert into node_checks (node_id, checked_at, status, error) values
        (${failing}, ${new Date(lastChecked.getTime() - 3_600_000)}, 'down', 'timeout: connect'),
        (${failing}, ${lastChecked}, 'down', 'ECONNREFUSED')`;
    healthy = await insertNode(sql, { ip: '198.51.100.10', status: 'up', last_seen: lastChecked });
    await sql`update nodes set last_checked = ${lastChecked} where id = ${healthy}`;
    await useDatabaseForRoutes(database.url);
  });
  after(async () => {
    await releaseRoutes();
    await database.close();
  });

  const retry = (id: string, token = admin.token) => retryRoute(authed(`/api/admin/nodes/${id}/retry`, token, { method: 'POST' }), params({ id }));

  it('GET /api/nodes/{id} shows the connection state: attempts, failures, backoff, next retry and the last error class', async () => {
    const body = (await (await getNode(request('/x'), context({ id: failing }))).json()) as any;
    assert.deepEqual(body.connection, {
      last_attempt: unix(lastChecked),
      last_success: unix(lastSeen),
      consecutive_failures: 5,
      backing_off: true,
      // 5 failures: 15 min × 2^(5−3) = 1 h after the last attempt.
      next_retry: unix(new Date(lastChecked.getTime() + 3_600_000)),
      last_error_class: 'ECONNREFUSED',
      last_error_at: unix(lastChecked),
      retry_requested: null,
    });
    assert.equal(body.status, 'down', 'spec fields are still there');
    const up = (await (await getNode(request('/x'), context({ id: healthy }))).json()) as any;
    assert.equal(up.connection.backing_off, false);
    assert.equal(up.connection.last_error_class, null);
    assert.equal(up.connection.next_retry, unix(new Date(lastChecked.getTime() + 150_000)), 'half the 300 s crawl interval');
  });

  it('classifies failures without peer text and never reports a retry time for a node never dialed', () => {
    const base = { last_checked: null, last_seen: null, consecutive_failures: 0, retry_requested_at: null, last_error: null, last_error_at: null };
    assert.equal(connectionState(base).next_retry, null);
    const withError = (error: string) => connectionState({ ...base, last_error: error, last_error_at: new Date() }).last_error_class;
    assert.equal(withError('protocol: bad magic: 0xdeadbeef <script>'), 'protocol: bad magic');
    assert.equal(withError('anything a peer said\u0000'), 'connection failed');
    assert.equal(withError('protocol version 60000 below the chain\'s minimum 70001'), 'protocol version too old');
  });

  it('POST /api/admin/nodes/{id}/retry clears the backoff: the next pass takes the node, and the probe serves the retry', async () => {
    const now = new Date();
    const dueBefore = await nodesDueForProbe(database.sql, { limit: 100, now });
    assert.ok(!dueBefore.some((node) => node.id === failing), 'backing off: not due');
    assert.ok(dueBefore.some((node) => node.id === healthy), 'a healthy node probed 10 min ago is due again (5 min recheck)');
    const response = await retry(failing);
    assert.equal(response.status, 200);
    const body = (await response.json()) as any;
    assert.equal(body.node.id, failing);
    assert.equal(body.connection.consecutive_failures, 0);
    assert.equal(body.connection.backing_off, false);
    assert.equal(body.connection.next_retry, null, 'the next pass');
    assert.ok(body.connection.retry_requested >= unix(now) - 1);
    const due = await nodesDueForProbe(database.sql, { limit: 100, now: new Date(), minRecheckMs: 3_600_000 });
    assert.ok(due.some((node) => node.id === failing), 'due at once, whatever the recheck interval');
    const [entry] = await database.sql`select actor_id, target_id from admin_audit_log where action = 'node.retry'`;
    assert.deepEqual({ ...entry }, { actor_id: admin.id, target_id: failing });

    await recordProbeResults(database.sql, [{ address: { host: '198.51.100.9', port: 8333, network: 'ipv4' }, checkedAt: new Date(), ok: false, error: 'EHOSTUNREACH', learned: [] }], { now: new Date() });
    const after = (await (await getNode(request('/x'), context({ id: failing }))).json()) as any;
    assert.equal(after.connection.retry_requested, null, 'served by the probe');
    assert.equal(after.connection.consecutive_failures, 1);
    assert.equal(after.connection.last_error_class, 'EHOSTUNREACH');
    const dueAfter = await nodesDueForProbe(database.sql, { limit: 100, now: new Date(), minRecheckMs: 3_600_000 });
    assert.ok(!dueAfter.some((node) => node.id === failing), 'back to the normal schedule');
  });

  it('is for admins only, 404 for unknown or malformed ids, 409 for a banned node', async () => {
    assert.equal((await retry(failing, user.token)).status, 403);
    assert.equal((await retryRoute(new Request(`http://127.0.0.1/api/admin/nodes/${failing}/retry`, { method: 'POST' }), params({ id: failing }))).status, 401);
    for (const id of ['999999', 'abc', '0', '-1', '1e3', '1\u0000']) assert.equal((await retry(id)).status, 404, id);
    await database.sql`insert into node_bans (action, target_type, ip, port, reason) values ('ban', 'node', '198.51.100.10', 8333, 'x')`;
    await database.sql`select refresh_node_lists()`;
    assert.equal((await retry(healthy)).status, 409);
  });
});
