import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeSql } from '../../lib/db/client';
import { generateApiKey, hashApiKey } from '../../lib/keys/generate';
import { createApiKey } from '../../lib/keys/manage';
import { keyTicker } from '../../lib/keys/ticker';
import { GET as listRoute, OPTIONS as preflightRoute, POST as createRoute } from '../../app/api/keys/route';
import { DELETE as revokeRoute } from '../../app/api/keys/[id]/route';
import { POST as rotateRoute } from '../../app/api/keys/[id]/rotate/route';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { authed, createTestUser, params } from '../helpers/accounts';

describe('API key issuing', () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
    process.env.DATABASE_URL = database.url;
  });
  after(async () => {
    await closeSql();
    await database.close();
  });

  it('generates {ticker}_sk_ keys with a display prefix and a sha256 hash', () => {
    const generated = generateApiKey('doge');
    assert.match(generated.key, /^doge_sk_[0-9A-Za-z]{40}$/);
    assert.ok(generated.key.startsWith(generated.prefix));
    assert.equal(generated.prefix.length, 'doge_sk_'.length + 8);
    assert.equal(generated.hash, hashApiKey(generated.key));
    assert.match(generated.hash, /^[0-9a-f]{64}$/);
    assert.notEqual(generateApiKey('btc').key, generateApiKey('btc').key);
    assert.equal(keyTicker({}), 'btc');
    assert.equal(keyTicker({ CHAIN: 'litecoin' }), 'ltc');
    assert.equal(keyTicker({ CHAIN: 'dogecoin' }), 'doge');
    assert.throws(() => keyTicker({ CHAIN: 'no-such-chain' }), /CHAIN/);
  });

  it('shows the key once, stores only its hash, lists without secrets', async () => {
    const user = await createTestUser(database.sql, 'keys@example.com');
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const body = { name: 'bot', description: 'For my dashboard', scopes: ['read:nodes', 'read:leaderboard'], rateLimit: 600, expiresAt };
    const response = await createRoute(authed('/api/keys', user.token, { method: 'POST', body: JSON.stringify(body) }), {});
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    const created = await response.json();
    assert.match(created.rawKey, /^btc_sk_/);
    assert.equal(created.warning, 'Store this key securely. It will not be shown again.');
    assert.ok(created.rawKey.startsWith(created.key.keyPrefix));
    assert.deepEqual(
      { ...created.key, id: undefined, createdAt: undefined, keyPrefix: undefined },
      { id: undefined, name: 'bot', keyPrefix: undefined, description: 'For my dashboard', scopes: ['read:nodes', 'read:leaderboard'], rateLimit: 600,
        lastUsedAt: null, requestCount: 0, isActive: true, expiresAt, createdAt: undefined, revokedAt: null },
    );
    const [row] = await database.sql`select * from api_keys where id = ${created.key.id}`;
    assert.equal(row!.key_hash, hashApiKey(created.rawKey));
    assert.ok(!JSON.stringify(row).includes(created.rawKey), 'the full key is not stored');
    assert.equal(row!.rate_limit_per_hour, 600);

    const list = await (await listRoute(authed('/api/keys', user.token), {})).json();
    assert.equal(list.keys.length, 1);
    const text = JSON.stringify(list);
    assert.ok(!text.includes(created.rawKey));
    assert.ok(!text.includes('key_hash'));
    assert.equal(list.keys[0].keyPrefix, created.key.keyPrefix);
    assert.equal(list.keys[0].isActive, true);
    assert.equal(typeof list.keys[0].requestCount, 'number');

    const defaults = await (await createRoute(authed('/api/keys', user.token, { method: 'POST', body: JSON.stringify({ name: 'd', rateLimit: '2000' }) }), {})).json();
    assert.equal(defaults.key.rateLimit, 2000, 'numbers may come as strings');
    const plain = await (await createRoute(authed('/api/keys', user.token, { method: 'POST', body: JSON.stringify({ name: 'e' }) }), {})).json();
    assert.equal(plain.key.rateLimit, 1000, 'default: 1000 per hour');
  });

  it('validates scopes, limits and names', async () => {
    const user = await createTestUser(database.sql, 'scopes@example.com');
    for (const body of [
      { name: 'x', scopes: ['write:nodes'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['read:nodes', 'read:nodes'] },
      { name: 'x', rateLimit: 9 },
      { name: 'x', rateLimit: 10001 },
      { name: 'x', expiresAt: '2001-01-01T00:00:00Z' },
      { name: 'x', expiresAt: 'tomorrow' },
      { name: '' },
      { name: 'x', extra: true },
    ]) {
      const response = await createRoute(authed('/api/keys', user.token, { method: 'POST', body: JSON.stringify(body) }), {});
      assert.equal(response.status, 400, JSON.stringify(body));
      const error = await response.json();
      assert.equal(typeof error.details, 'string');
    }
    const unauth = await createRoute(new Request('http://127.0.0.1/api/keys', { method: 'POST', body: '{"name":"x"}' }), {});
    assert.equal(unauth.status, 401);
    assert.equal(unauth.headers.get('access-control-allow-origin'), '*', 'errors carry CORS headers too');
    assert.equal(unauth.headers.get('access-control-allow-credentials'), null);
    const preflight = preflightRoute();
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  });

  it('rotates (old revoked, same name and scopes) and revokes; other users get 404', async () => {
    const user = await createTestUser(database.sql, 'rotate@example.com');
    const other = await createTestUser(database.sql, 'other@example.com');
    const created = await createApiKey(database.sql, user.id, { name: 'ci', scopes: ['read:stats'], rateLimit: 50 });

    const foreign = await rotateRoute(authed(`/api/keys/${created.key.id}/rotate`, other.token, { method: 'POST' }), params({ id: created.key.id }));
    assert.equal(foreign.status, 404);

    const response = await rotateRoute(authed(`/api/keys/${created.key.id}/rotate`, user.token, { method: 'POST' }), params({ id: created.key.id }));
    assert.equal(response.status, 201);
    const rotated = await response.json();
    assert.notEqual(rotated.rawKey, created.rawKey);
    assert.equal(rotated.key.name, 'ci');
    assert.equal(rotated.key.rateLimit, 50);
    assert.deepEqual(rotated.key.scopes, ['read:stats']);
    assert.equal(rotated.replacedKeyId, created.key.id);
    const [old] = await database.sql`select revoked_at from api_keys where id = ${created.key.id}`;
    assert.ok(old!.revoked_at);

    const again = await rotateRoute(authed('/x', user.token, { method: 'POST' }), params({ id: created.key.id }));
    assert.equal(again.status, 409);

    const deleted = await revokeRoute(authed('/x', user.token, { method: 'DELETE' }), params({ id: rotated.key.id }));
    assert.equal(deleted.status, 200);
    assert.equal((await deleted.json()).success, true);
    const [gone] = await database.sql`select count(*)::int as n from api_keys where id = ${rotated.key.id}`;
    assert.equal(gone!.n, 0);
    const missing = await revokeRoute(authed('/x', user.token, { method: 'DELETE' }), params({ id: 'not-a-uuid' }));
    assert.equal(missing.status, 404);
  });

  it('caps active keys per user', async () => {
    const user = await createTestUser(database.sql, 'many@example.com');
    await database.sql`insert into app_settings (key, value) values ('keys.max_active_per_user', '2'::jsonb)
      on conflict (key) do update set value = excluded.value`;
    await createApiKey(database.sql, user.id, { name: 'a' });
    await createApiKey(database.sql, user.id, { name: 'b' });
    const response = await createRoute(authed('/api/keys', user.token, { method: 'POST', body: JSON.stringify({ name: 'c' }) }), {});
    assert.equal(response.status, 409);
    await database.sql`delete from app_settings where key = 'keys.max_active_per_user'`;
  });
});
