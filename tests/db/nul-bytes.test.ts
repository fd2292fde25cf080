import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GET as auditRoute } from '../../app/api/admin/audit/route';
import { GET as usersRoute } from '../../app/api/admin/users/route';
import { POST as signupRoute } from '../../app/api/auth/signup/route';
import { POST as createKeyRoute } from '../../app/api/keys/route';
import { GET as nodesRoute } from '../../app/api/nodes.json/route';
import { GET as nodeRoute } from '../../app/api/nodes/[id]/route';
import { signInLimiter } from '../../lib/auth/sign-in-limiter';
import { parseSearchParams } from '../../lib/dashboard/search-params';
import { nodesQuerySchema } from '../../lib/api/schemas';
import { authed, createTestUser } from '../helpers/accounts';
import { context, fromAddress, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';

describe('NUL characters in input', () => {
  let database: TestDatabase;
  let admin: { token: string };
  before(async () => {
    database = await openMigratedTestDatabase();
    await useDatabaseForRoutes(database.url);
    admin = await createTestUser(database.sql, 'admin-nul@example.com', 'admin');
  });
  after(async () => {
    await releaseRoutes();
    await database.close();
  });

  const expect400 = async (response: Response, field: RegExp) => {
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: string; details: string };
    assert.match(body.details, /NUL/);
    assert.match(body.details, field);
  };

  it('public API query strings and path parameters', async () => {
    await expect400(await nodesRoute(request('/api/nodes.json?version=%00')), /version/);
    await expect400(await nodesRoute(request('/api/nodes.json?country=U%00S')), /country/);
    const node = await nodeRoute(request('/api/nodes/1%00'), context({ id: '1\u0000' }));
    assert.ok(node.status === 400 || node.status === 404, `got ${node.status}`);
  });

  it('account and admin bodies and queries', async () => {
    await expect400(await createKeyRoute(authed('/api/keys', admin.token, { method: 'POST', body: JSON.stringify({ name: 'a\u0000b' }) }), {}), /name/);
    await expect400(await usersRoute(authed('/api/admin/users?q=%00', admin.token), {}), /q/);
    await expect400(await auditRoute(authed('/api/admin/audit?action=%00', admin.token), {}), /action/);
    signInLimiter.reset();
    const signup = await signupRoute(
      new Request('http://127.0.0.1:3000/api/auth/signup', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...fromAddress('192.0.2.200') },
        body: JSON.stringify({ email: 'nul@example.com', password: 'long enough pw', display_name: 'x\u0000' }),
      }),
      {},
    );
    await expect400(signup, /display_name/);
  });

  it('dashboard search params', () => {
    const parsed = parseSearchParams(nodesQuerySchema, { version: '\u0000' });
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.issues.join(' '), /version: .*NUL/);
  });
});
