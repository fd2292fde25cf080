import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Redis from 'ioredis';
import { GET as getNodes } from '../../app/api/nodes.json/route';
import { createRateLimiter, getRateLimiter, type RateLimiter } from '../../lib/ratelimit';
import { insertNode, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('rate limiting on Redis through @upstash/ratelimit', () => {
  const prefix = `peerscope-test:${process.pid}:${randomBytes(4).toString('hex')}`;
  let limiter: RateLimiter;
  let database: TestDatabase;
  const inspector = new Redis(REDIS_URL, { lazyConnect: true });

  before(async () => {
    limiter = await createRateLimiter({ kind: 'redis', redisUrl: REDIS_URL, prefix, anonymousPerMinute: 60 });
    database = await openMigratedTestDatabase();
    await insertNode(database.sql, { ip: '203.0.113.1' });
  });
  after(async () => {
    await limiter.close?.();
    const keys = await inspector.keys(`${prefix}*`);
    if (keys.length) await inspector.del(...keys);
    inspector.disconnect();
    delete process.env.REDIS_URL;
    delete process.env.RATE_LIMIT_PREFIX;
    delete process.env.RATE_LIMIT_ANONYMOUS_PER_MINUTE;
    await releaseRoutes();
    await database.close();
  });

  it('counts in Redis and refuses past the limit', async () => {
    assert.equal(limiter.backend, 'redis');
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await limiter.limit('ip:192.0.2.1', 3));
    assert.deepEqual(results.map((r) => [r.success, r.limit, r.remaining]), [[true, 3, 2], [true, 3, 1], [true, 3, 0], [false, 3, 0]]);
    assert.ok(results[3]!.reset > Date.now());
    const keys = await inspector.keys(`${prefix}:3:ip:192.0.2.1:*`);
    assert.equal(keys.length, 1, 'the sliding window bucket lives in Redis');
    assert.equal(await inspector.get(keys[0]!), '3');
  });

  it('shares counts between limiter instances (processes)', async () => {
    const other = await createRateLimiter({ kind: 'redis', redisUrl: REDIS_URL, prefix, anonymousPerMinute: 60 });
    try {
      await limiter.limit('ip:192.0.2.2', 2);
      await other.limit('ip:192.0.2.2', 2);
      assert.equal((await limiter.limit('ip:192.0.2.2', 2)).success, false);
    } finally {
      await other.close?.();
    }
  });

  it('returns 429 from the route when REDIS_URL is set', async () => {
    process.env.REDIS_URL = REDIS_URL;
    process.env.RATE_LIMIT_PREFIX = `${prefix}:route`;
    process.env.RATE_LIMIT_ANONYMOUS_PER_MINUTE = '2';
    await useDatabaseForRoutes(database.url);
    assert.equal((await getRateLimiter()).limiter.backend, 'redis');
    const statuses = [];
    let last: Response | undefined;
    for (let i = 0; i < 3; i += 1) {
      last = await getNodes(request('/api/nodes.json', { 'x-forwarded-for': '192.0.2.3' }));
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.equal(last!.headers.get('x-ratelimit-limit'), '2');
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
    assert.equal(((await last!.json()) as any).error, 'Too many requests');
    assert.ok((await inspector.keys(`${prefix}:route:2:ip:192.0.2.3:*`)).length === 1);
  });
});
