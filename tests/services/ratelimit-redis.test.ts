import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Redis from 'ioredis';
import { GET as getHealth } from '../../app/api/health/route';
import { GET as getNodes } from '../../app/api/nodes.json/route';
import { GET as getStats } from '../../app/api/stats.json/route';
import { createRateLimiter, getRateLimiter, resetRateLimiter, type RateLimiter } from '../../lib/ratelimit';
import { fromAddress, insertNode, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('rate limiting on Redis through @upstash/ratelimit', () => {
  const prefix = `peerscope-test:${process.pid}:${randomBytes(4).toString('hex')}`;
  let limiter: RateLimiter;
  let database: TestDatabase;
  const inspector = new Redis(REDIS_URL, { lazyConnect: true });

  before(async () => {
    limiter = await createRateLimiter({ kind: 'redis', redisUrl: REDIS_URL, prefix, anonymousPerMinute: 60, timeoutMs: 2000 });
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
    delete process.env.RATE_LIMIT_REDIS_TIMEOUT_MS;
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
    const other = await createRateLimiter({ kind: 'redis', redisUrl: REDIS_URL, prefix, anonymousPerMinute: 60, timeoutMs: 2000 });
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
    process.env.RATE_LIMIT_REDIS_TIMEOUT_MS = '5000'; // a loaded test machine must not fall back to memory here
    await useDatabaseForRoutes(database.url);
    assert.equal((await getRateLimiter()).limiter.backend, 'redis');
    const statuses = [];
    let last: Response | undefined;
    for (let i = 0; i < 3; i += 1) {
      last = await getNodes(request('/api/nodes.json', fromAddress('192.0.2.3')));
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.equal(last!.headers.get('x-ratelimit-limit'), '2');
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
    assert.equal(((await last!.json()) as any).error, 'Too many requests');
    assert.ok((await inspector.keys(`${prefix}:route:2:ip:192.0.2.3:*`)).length === 1);
  });

  it('ignores forged X-Forwarded-For: 100 stats.json requests from one socket get 429s', async () => {
    process.env.REDIS_URL = REDIS_URL;
    process.env.RATE_LIMIT_PREFIX = `${prefix}:spoof`;
    process.env.RATE_LIMIT_ANONYMOUS_PER_MINUTE = '60';
    process.env.RATE_LIMIT_REDIS_TIMEOUT_MS = '5000';
    await resetRateLimiter();
    await useDatabaseForRoutes(database.url);
    let refused = 0;
    for (let i = 0; i < 100; i += 1) {
      const response = await getStats(request('/api/stats.json', { ...fromAddress('192.0.2.4'), 'x-forwarded-for': `198.51.100.${i + 1}` }));
      if (response.status === 429) refused += 1;
    }
    assert.equal((await getRateLimiter()).limiter.status?.().fallback, false, 'Redis did the counting');
    assert.ok(refused >= 39 && refused <= 40, `${refused} of 100 refused at 60 per minute`);
  });

  it('falls back to in-process limits within 50 ms when Redis does not answer, and says so in /api/health', async () => {
    // A loopback "Redis" that accepts connections and never answers.
    const sockets = new Set<import('node:net').Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      process.env.REDIS_URL = `redis://127.0.0.1:${(silent.address() as import('node:net').AddressInfo).port}`;
      process.env.RATE_LIMIT_ANONYMOUS_PER_MINUTE = '3';
      delete process.env.RATE_LIMIT_REDIS_TIMEOUT_MS;
      await resetRateLimiter();
      await useDatabaseForRoutes(database.url);
      const statuses: number[] = [];
      const waits: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        const { limiter } = await getRateLimiter();
        const started = performance.now();
        await limiter.limit('ip:probe', 1000);
        waits.push(performance.now() - started);
        statuses.push((await getNodes(request('/api/nodes.json', fromAddress('192.0.2.5')))).status);
      }
      // 50 ms timeout; the margin is for a loaded test machine (before the fix: 1 s per request).
      assert.ok(Math.max(...waits) < 50 + 200, `limiter waits ${waits.map(Math.round).join(', ')} ms`);
      assert.ok(waits.slice(1).every((wait) => wait < 50), 'later requests do not wait for Redis at all');
      assert.deepEqual(statuses, [200, 200, 200, 429], 'limits still hold, in memory');
      const health = (await (await getHealth()).json()) as any;
      assert.equal(health.rate_limiter.backend, 'redis');
      assert.equal(health.rate_limiter.fallback, true);
      assert.equal(health.rate_limiter.active, 'memory');
    } finally {
      await resetRateLimiter();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
