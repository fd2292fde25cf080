import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeSql } from '../../lib/db/client';
import { generateApiKey, hashApiKey } from '../../lib/keys/generate';
import { createApiKey } from '../../lib/keys/manage';
import { keyTicker } from '../../lib/keys/ticker';
import { GET as listRoute, POST as createRoute } from '../../app/api/keys/route';
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
    assert.equal(generated.prefix.length, 'doge_sk_'.length + 6);
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
    const response = await createRoute(authed('/api/keys', user.token, { method: 'POST', body: JSON.stringify({ name: 'bot', scopes: ['read:nodes', 'read:leaderboard'], rate_limit_per_minute: 60 }) }), {});
    assert.equal(response.status, 201);
    const created = await response.json();
    assert.match(created.key, /^btc_sk_/);
    const [row] = await database.sql`select * from api_keys where id = ${created.api_key.id}`;
    assert.equal(row!.key_hash, hashApiKey(created.key));
    assert.ok(!JSON.stringify(row).includes(created.key), 'the full key is not stored');
    assert.deepEqual(row!.scopes, ['read:nodes', 'read:leaderboard']);
    assert.equal(row!.rate_limit_per_minute, 60);

    const list = await (await listRoute(authed('/api/keys', user.token), {})).json();
    assert.equal(list.keys.length, 1);
    const text = JSON.stringify(list);
    assert.ok(!text.includes(created.key));
    assert.ok(!text.includes('key_hash'));
    assert.equal(list.keys[0].key_prefix, created.api_key.key_prefix);
    assert.equal(list.keys[0].active, true);
  });

  it('validates scopes, limits and names', async () => {
    const user = await createTestUser(database.sql, 'scopes@example.com');
    for (const body of [
      { name: 'x', scopes: ['write:nodes'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['read:nodes', 'read:nodes'] },
      { name: 'x', rate_limit_per_minute: 100000 },
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
  });

  it('rotates (old revoked, same name and scopes) and revokes; other users get 404', async () => {
    const user = await createTestUser(database.sql, 'rotate@example.com');
    const other = await createTestUser(database.sql, 'other@example.com');
    const created = await createApiKey(database.sql, user.id, { name: 'ci', scopes: ['read:stats'] });

    const foreign = await rotateRoute(authed(`/api/keys/${created.api_key.id}/rotate`, other.token, { method: 'POST' }), params({ id: created.api_key.id }));
    assert.equal(foreign.status, 404);

    const response = await rotateRoute(authed(`/api/keys/${created.api_key.id}/rotate`, user.token, { method: 'POST' }), params({ id: created.api_key.id }));
    assert.equal(response.status, 201);
    const rotated = await response.json();
    assert.notEqual(rotated.key, created.key);
    assert.equal(rotated.api_key.name, 'ci');
    assert.deepEqual(rotated.api_key.scopes, ['read:stats']);
    const [old] = await database.sql`select revoked_at from api_keys where id = ${created.api_key.id}`;
    assert.ok(old!.revoked_at);

    const again = await rotateRoute(authed('/x', user.token, { method: 'POST' }), params({ id: created.api_key.id }));
    assert.equal(again.status, 409);

    const revoked = await revokeRoute(authed('/x', user.token, { method: 'DELETE' }), params({ id: rotated.api_key.id }));
    assert.equal(revoked.status, 200);
    assert.equal((await revoked.json()).api_key.active, false);
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
