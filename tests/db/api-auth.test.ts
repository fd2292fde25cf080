import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GET as getLeaderboard } from '../../app/api/leaderboard/route';
import { GET as getNodes } from '../../app/api/nodes.json/route';
import { GET as getStats } from '../../app/api/stats.json/route';
import { hashApiKey, verifyApiKey } from '../../lib/auth/api-keys';
import { getApiKeyUsageRecorder } from '../../lib/api/route';
import { fromAddress, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

describe(`API keys and rate limits (in-memory limiter) on ${testBackend()}`, () => {
  let database: TestDatabase;
  let userId: string;
  let bannedUserId: string;
  let counter = 0;

  const createKey = async (options: { scopes?: string[]; limit?: number; revoked?: boolean; expired?: boolean; banned?: boolean } = {}) => {
    counter += 1;
    const key = `doge_sk_testkey${counter.toString().padStart(4, '0')}abcdefghijklmnop`;
    const [row] = await database.sql<{ id: string }[]>`
      insert into api_keys (user_id, name, key_prefix, key_hash, scopes, rate_limit_per_hour, revoked_at, expires_at)
      values (${options.banned ? bannedUserId : userId}, ${`key ${counter}`}, ${key.slice(0, 12)}, ${hashApiKey(key)},
        ${options.scopes ?? ['read:nodes', 'read:stats']}, ${options.limit ?? 1000},
        ${options.revoked ? new Date(Date.now() - 1000) : null}, ${options.expired ? new Date(Date.now() - 1000) : null})
      returning id`;
    return { key, id: row!.id };
  };

  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    process.env.RATE_LIMIT_ANONYMOUS_PER_MINUTE = '3';
    database = await openMigratedTestDatabase();
    const [user] = await database.sql<{ id: string }[]>`insert into profiles (email) values ('owner@example.com') returning id`;
    const [banned] = await database.sql<{ id: string }[]>`insert into profiles (email, banned_at) values ('banned@example.com', now()) returning id`;
    userId = user!.id;
    bannedUserId = banned!.id;
    await useDatabaseForRoutes(database.url);
  });
  after(async () => {
    delete process.env.RATE_LIMIT_ANONYMOUS_PER_MINUTE;
    await releaseRoutes();
    await database.close();
  });

  it('limits anonymous callers per IP with 429, Retry-After and the headers', async () => {
    const ip = '192.0.2.77';
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i += 1) {
      last = await getNodes(request('/api/nodes.json', fromAddress(ip)));
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const body = (await last!.json()) as any;
    assert.equal(body.error, 'Too many requests');
    assert.match(body.details, /3 requests per minute/);
    assert.equal(last!.headers.get('x-ratelimit-limit'), '3');
    assert.equal(last!.headers.get('x-ratelimit-remaining'), '0');
    const retryAfter = Number(last!.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60);
    assert.equal(last!.headers.get('access-control-allow-origin'), '*');
    assert.equal(last!.headers.get('cache-control'), 'no-store');
    const other = await getNodes(request('/api/nodes.json', fromAddress('192.0.2.78')));
    assert.equal(other.status, 200, 'another IP has its own budget');
  });

  it('ignores X-Forwarded-For from clients that are not trusted proxies', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 100; i += 1) {
      const response = await getStats(request('/api/stats.json', { ...fromAddress('192.0.2.90'), 'x-forwarded-for': `203.0.113.${i + 1}`, 'x-real-ip': `198.51.100.${i + 1}` }));
      statuses.push(response.status);
    }
    assert.equal(statuses.filter((status) => status === 429).length, 97);
  });

  it('accepts a valid key in Authorization or X-API-Key with its own limit per hour', async () => {
    const { key } = await createKey({ limit: 10 });
    const bearer = await getNodes(request('/api/nodes.json', { authorization: `Bearer ${key}` }));
    assert.equal(bearer.status, 200);
    assert.equal(bearer.headers.get('x-ratelimit-limit'), '10');
    assert.equal(bearer.headers.get('x-ratelimit-remaining'), '9');
    const reset = Number(bearer.headers.get('x-ratelimit-reset')) * 1000;
    assert.ok(reset > Date.now() && reset <= Date.now() + 3_600_000 + 1000, 'the window is an hour');
    for (let i = 0; i < 9; i += 1) assert.equal((await getNodes(request('/api/nodes.json', { 'x-api-key': key }))).status, 200);
    const eleventh = await getNodes(request('/api/nodes.json', { 'x-api-key': key }));
    assert.equal(eleventh.status, 429, 'the key budget is shared whatever the IP');
    assert.match(((await eleventh.json()) as any).details, /10 requests per hour/);
  });

  it('rejects unknown, malformed, revoked, expired and banned-owner keys with 401', async () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ['unknown', { 'x-api-key': 'doge_sk_doesnotexist0000000000' }, /not known/],
      ['malformed', { 'x-api-key': 'nope' }, /API key must look like/],
      ['not bearer', { authorization: 'Basic abc' }, /Bearer/],
      ['revoked', { 'x-api-key': (await createKey({ revoked: true })).key }, /revoked/],
      ['expired', { 'x-api-key': (await createKey({ expired: true })).key }, /expired/],
      ['banned', { authorization: `Bearer ${(await createKey({ banned: true })).key}` }, /suspended/],
    ];
    for (const [name, headers, details] of cases) {
      const response = await getNodes(request('/api/nodes.json', headers));
      assert.equal(response.status, 401, name);
      const body = (await response.json()) as any;
      assert.equal(body.error, 'Invalid API key', name);
      assert.match(body.details, details, name);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
    }
  });

  it('enforces scopes with 403', async () => {
    const { key } = await createKey({ scopes: ['read:nodes'] });
    assert.equal((await getNodes(request('/api/nodes.json', { 'x-api-key': key }))).status, 200);
    const stats = await getStats(request('/api/stats.json', { 'x-api-key': key }));
    assert.equal(stats.status, 403);
    assert.deepEqual(await stats.json(), { error: 'Insufficient scope', details: 'This API key lacks the read:stats scope' });
    assert.equal((await getLeaderboard(request('/api/leaderboard', { 'x-api-key': key }))).status, 403);
    const leaderKey = await createKey({ scopes: ['read:leaderboard'] });
    assert.equal((await getLeaderboard(request('/api/leaderboard', { 'x-api-key': leaderKey.key }))).status, 200);
  });

  it('counts usage in batches: usage_count, last_used_at and the per-day row', async () => {
    const { key, id } = await createKey();
    for (let i = 0; i < 3; i += 1) assert.equal((await getNodes(request('/api/nodes.json', { 'x-api-key': key }))).status, 200);
    const [before] = await database.sql<{ usage_count: string }[]>`select usage_count from api_keys where id = ${id}`;
    assert.equal(before!.usage_count, '0', 'nothing is written on the response path');
    await getApiKeyUsageRecorder().flush();
    const [row] = await database.sql<{ usage_count: string; last_used_at: Date | null }[]>`select usage_count, last_used_at from api_keys where id = ${id}`;
    assert.equal(row!.usage_count, '3');
    assert.ok(row!.last_used_at);
    const usage = await database.sql<{ requests: string }[]>`select requests from api_key_usage where api_key_id = ${id}`;
    assert.deepEqual(usage.map((u) => u.requests), ['3']);
    await getNodes(request('/api/nodes.json', { 'x-api-key': key }));
    await getApiKeyUsageRecorder().flush();
    const [again] = await database.sql<{ requests: string }[]>`select requests from api_key_usage where api_key_id = ${id}`;
    assert.equal(again!.requests, '4');
  });

  it('verifyApiKey reads the hash and the owner', async () => {
    const { key, id } = await createKey({ scopes: ['read:stats'], limit: 70 });
    const result = await verifyApiKey(database.sql, key);
    assert.deepEqual(result, { ok: true, key: { id, userId, scopes: ['read:stats'], rateLimitPerHour: 70 } });
    assert.deepEqual(await verifyApiKey(database.sql, `${key}x`), { ok: false, reason: 'unknown' });
  });
});
