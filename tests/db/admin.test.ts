import assert from 'node:assert/strict';
import { authConfig } from '../../lib/auth/config';
import { signLocalToken } from '../../lib/auth/tokens';
import { after, afterEach, before, describe, it } from 'node:test';
import type { PeerAddress } from '../../lib/crawler/types';
import { closeSql } from '../../lib/db/client';
import { setNodeProber } from '../../lib/nodes/prober';
import { GET as auditRoute } from '../../app/api/admin/audit/route';
import { GET as isAdminRoute, POST as checkRoute } from '../../app/api/admin/check/route';
import { POST as banRoute } from '../../app/api/admin/users/[id]/ban/route';
import { GET as getSettingsRoute, PUT as putSettingsRoute } from '../../app/api/admin/settings/route';
import { GET as usersRoute, PATCH as patchUserRoute } from '../../app/api/admin/users/route';
import { GET as keysRoute } from '../../app/api/keys/route';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { authed, createTestUser, params } from '../helpers/accounts';

describe('admin endpoints', () => {
  let database: TestDatabase;
  let admin: { id: string; token: string };
  let user: { id: string; token: string };
  before(async () => {
    database = await openMigratedTestDatabase();
    process.env.DATABASE_URL = database.url;
    admin = await createTestUser(database.sql, 'root@example.com', 'admin');
    user = await createTestUser(database.sql, 'someone@example.com');
  });
  afterEach(() => setNodeProber(undefined));
  after(async () => {
    await closeSql();
    await database.close();
  });

  it('refuses non-admins with 403 and anonymous callers with 401', async () => {
    assert.equal((await usersRoute(authed('/api/admin/users', user.token), {})).status, 403);
    assert.equal((await auditRoute(new Request('http://127.0.0.1/api/admin/audit'), {})).status, 401);
    assert.equal((await getSettingsRoute(authed('/api/admin/settings', user.token), {})).status, 403);
  });

  it('reads and updates known settings only, never exposing internal ones, and audits', async () => {
    const initial = await (await getSettingsRoute(authed('/api/admin/settings', admin.token), {})).json();
    assert.equal(initial.settings['verification.require_review'], false);
    assert.ok(!('auth.jwt_secret' in initial.settings), 'the generated JWT secret is internal');
    const put = (body: unknown) => putSettingsRoute(authed('/api/admin/settings', admin.token, { method: 'PUT', body: JSON.stringify(body) }), {});
    assert.equal((await put({ 'auth.jwt_secret': 'x' })).status, 400);
    assert.equal((await put({ 'verification.require_review': 'yes' })).status, 400);
    assert.equal((await put({})).status, 400);
    const updated = await put({ 'verification.require_review': true, 'versions.minimum': '26.0', 'versions.critical': null });
    assert.equal(updated.status, 200);
    const body = await updated.json();
    assert.equal(body.settings['verification.require_review'], true);
    assert.equal(body.settings['versions.minimum'], '26.0');
    // The version classes must stay ordered: critical ≤ minimum ≤ current.
    const unordered = await put({ 'versions.critical': '27.0' });
    assert.equal(unordered.status, 400);
    assert.match((await unordered.json()).details, /versions\.critical must not be above versions\.minimum/);
    assert.equal((await put({ 'versions.current': '25.0' })).status, 400);
    const [entry] = await database.sql`select action, details from admin_audit_log where action = 'settings.update'`;
    assert.equal(entry!.details.changes['verification.require_review'], true);
  });

  it('bans with a reason (the user then gets 403), unbans, and lists users', async () => {
    const patch = (body: unknown) => patchUserRoute(authed('/api/admin/users', admin.token, { method: 'PATCH', body: JSON.stringify(body) }), {});
    assert.equal((await patch({ user_id: user.id, banned: true })).status, 400, 'reason required');
    assert.equal((await patch({ user_id: admin.id, banned: true, reason: 'x' })).status, 400, 'not yourself');
    assert.equal((await patch({ user_id: '00000000-0000-4000-8000-000000000000', banned: true, reason: 'x' })).status, 404);
    const banned = await patch({ user_id: user.id, banned: true, reason: 'abuse' });
    assert.equal(banned.status, 200);
    assert.ok((await banned.json()).user.banned_at);
    assert.equal((await keysRoute(authed('/api/keys', user.token), {})).status, 401, 'the ban ended the session');
    const { token: fresh } = await signLocalToken(database.sql, authConfig({}), { id: user.id, email: 'someone@example.com', role: 'user' });
    assert.equal((await keysRoute(authed('/api/keys', fresh), {})).status, 403, 'a banned user gets 403');

    const list = await (await usersRoute(authed('/api/admin/users?banned=true', admin.token), {})).json();
    assert.deepEqual(list.users.map((u: { email: string }) => u.email), ['someone@example.com']);
    assert.equal(list.total, 1);
    const search = await (await usersRoute(authed('/api/admin/users?q=ROOT', admin.token), {})).json();
    assert.equal(search.users[0].email, 'root@example.com');
    assert.equal((await usersRoute(authed('/api/admin/users?limit=0', admin.token), {})).status, 400);

    assert.equal((await patch({ user_id: user.id, banned: false })).status, 200);
    assert.equal((await keysRoute(authed('/api/keys', user.token), {})).status, 401, 'unbanning does not revive ended sessions');
    assert.equal((await keysRoute(authed('/api/keys', fresh), {})).status, 200);
    const actions = await database.sql`select action from admin_audit_log where target_id = ${user.id} order by id`;
    assert.deepEqual(actions.map((row) => row.action), ['user.ban', 'user.unban']);
  });

  it('GET /api/admin/check answers {isAdmin, role}; POST /api/admin/users/[id]/ban bans', async () => {
    // The earlier ban ended this user's first session: sign in again.
    const { token: userToken } = await signLocalToken(database.sql, authConfig({}), { id: user.id, email: 'someone@example.com', role: 'user' });
    assert.deepEqual(await (await isAdminRoute(authed('/api/admin/check', admin.token), {})).json(), { isAdmin: true, role: 'admin' });
    assert.deepEqual(await (await isAdminRoute(authed('/api/admin/check', userToken), {})).json(), { isAdmin: false, role: null });
    assert.equal((await isAdminRoute(new Request('http://127.0.0.1/api/admin/check'), {})).status, 401);

    const target = await createTestUser(database.sql, 'banme@example.com');
    assert.equal((await banRoute(authed('/x', userToken, { method: 'POST', body: '{}' }), params({ id: target.id }))).status, 403);
    assert.equal((await banRoute(authed('/x', admin.token, { method: 'POST', body: '{}' }), params({ id: 'nope' }))).status, 404);
    const banned = await banRoute(authed('/x', admin.token, { method: 'POST', body: JSON.stringify({ reason: 'spam' }) }), params({ id: target.id }));
    assert.equal(banned.status, 200);
    const body = await banned.json();
    assert.equal(body.success, true);
    assert.equal(body.user.ban_reason, 'spam');
    assert.equal((await keysRoute(authed('/api/keys', target.token), {})).status, 401, 'the ban ended the session');
  });

  it('probes a node on demand with the injected prober and audits it', async () => {
    setNodeProber(async (address: PeerAddress) => ({ address, checkedAt: new Date(), ok: false, error: 'timeout: connect', learned: [] }));
    const response = await checkRoute(authed('/api/admin/check', admin.token, { method: 'POST', body: JSON.stringify({ ip: '4.4.4.4', port: 8333 }) }), {});
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.probe.ok, false);
    assert.equal(body.node.status, 'down');
    const missing = await checkRoute(authed('/api/admin/check', admin.token, { method: 'POST', body: JSON.stringify({ node_id: 999999 }) }), {});
    assert.equal(missing.status, 404);
    const [entry] = await database.sql`select action, details from admin_audit_log where action = 'node.check'`;
    assert.equal(entry!.details.error, 'timeout: connect');
  });

  it('pages the audit log newest first', async () => {
    const first = await (await auditRoute(authed('/api/admin/audit?limit=2', admin.token), {})).json();
    assert.equal(first.entries.length, 2);
    assert.ok(first.next_before);
    assert.equal(first.entries[0].actor_email, 'root@example.com');
    const second = await (await auditRoute(authed(`/api/admin/audit?limit=2&before=${first.next_before}`, admin.token), {})).json();
    assert.ok(second.entries.every((entry: { id: string }) => Number(entry.id) < Number(first.next_before)));
    assert.equal((await auditRoute(authed('/api/admin/audit?limit=abc', admin.token), {})).status, 400);
  });
});
