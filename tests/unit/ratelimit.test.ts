import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveRateLimitSettings } from '../../lib/ratelimit';
import { MemoryRateLimiter } from '../../lib/ratelimit/memory';
import { portableScript } from '../../lib/ratelimit/redis-adapter';

describe('rate limiting', () => {
  it('refuses the request past the limit and recovers in the next windows (sliding window)', async () => {
    let now = 60_000 * 1000; // start of a window
    const limiter = new MemoryRateLimiter(60_000, () => now);
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await limiter.limit('ip:a', 3));
    assert.deepEqual(results.map((r) => [r.success, r.remaining]), [[true, 2], [true, 1], [true, 0], [false, 0]]);
    assert.equal(results[3]!.reset, 60_000 * 1001);
    assert.equal((await limiter.limit('ip:b', 3)).success, true, 'identifiers are independent');
    now += 60_000 + 30_000; // half way into the next window: half of the previous 3 still counts (floor 1)
    const half = await limiter.limit('ip:a', 3);
    assert.deepEqual([half.success, half.remaining], [true, 1]);
    now += 60_000 * 2;
    assert.equal((await limiter.limit('ip:a', 3)).remaining, 2);
  });

  it('reads its settings from the environment and refuses bad ones', () => {
    assert.equal(resolveRateLimitSettings({}).kind, 'memory');
    assert.equal(resolveRateLimitSettings({}).anonymousPerMinute, 60);
    assert.deepEqual(resolveRateLimitSettings({ REDIS_URL: 'redis://127.0.0.1:6379', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '5' }), {
      kind: 'redis', redisUrl: 'redis://127.0.0.1:6379', prefix: 'peerscope:ratelimit', anonymousPerMinute: 5, timeoutMs: 50,
    });
    assert.equal(resolveRateLimitSettings({ UPSTASH_REDIS_REST_URL: 'https://x.upstash.io', UPSTASH_REDIS_REST_TOKEN: 't' }).kind, 'upstash');
    assert.throws(() => resolveRateLimitSettings({ REDIS_URL: 'http://x' }), /REDIS_URL/);
    assert.throws(() => resolveRateLimitSettings({ UPSTASH_REDIS_REST_URL: 'https://x.upstash.io' }), /TOKEN/);
    assert.throws(() => resolveRateLimitSettings({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0' }), /RATE_LIMIT_ANONYMOUS_PER_MINUTE/);
  });

  it('strips Upstash-only script flags for plain Redis', () => {
    assert.equal(portableScript('#!lua flags=allow-key-locking\nreturn 1'), '#!lua\nreturn 1');
    assert.equal(portableScript('#!lua flags=allow-key-locking,no-writes\nreturn 1'), '#!lua flags=no-writes\nreturn 1');
    assert.equal(portableScript('return 1'), 'return 1');
  });
});

describe('rate limiting when the shared store is down', () => {
  it('waits at most the timeout, answers from memory, and says so', async () => {
    const { FallbackRateLimiter } = await import('../../lib/ratelimit/fallback');
    let calls = 0;
    const hanging = { backend: 'redis' as const, limit: () => { calls += 1; return new Promise<never>(() => {}); } };
    const limiter = new FallbackRateLimiter(hanging, new MemoryRateLimiter(), { timeoutMs: 50, retryAfterMs: 60_000, log: () => {} });
    const started = Date.now();
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await limiter.limit('ip:a', 3));
    assert.ok(Date.now() - started < 50 * 2 + 40, `took ${Date.now() - started} ms`);
    assert.equal(calls, 1, 'the store is not asked again until retryAfterMs');
    assert.deepEqual(results.map((r) => r.success), [true, true, true, false], 'limits still hold in memory');
    const status = limiter.status();
    assert.equal(status.fallback, true);
    assert.equal(status.active, 'memory');
    assert.match(String(status.error), /50 ms/);
  });

  it('goes back to the store once it answers', async () => {
    const { FallbackRateLimiter } = await import('../../lib/ratelimit/fallback');
    let now = 0;
    let up = false;
    const store = {
      backend: 'redis' as const,
      limit: async () => {
        if (!up) throw new Error('ECONNREFUSED');
        return { success: true, limit: 9, remaining: 8, reset: 0 };
      },
    };
    const limiter = new FallbackRateLimiter(store, new MemoryRateLimiter(), { retryAfterMs: 1000, now: () => now, log: () => {} });
    assert.equal((await limiter.limit('k', 9)).remaining, 8 /* memory: 9 - 1 */);
    assert.equal(limiter.status().fallback, true);
    up = true;
    now = 1001;
    await limiter.limit('k', 9);
    assert.equal(limiter.status().fallback, false);
  });
});

describe('throttling signed-in actions', () => {
  it('counts per user and per socket address, whatever X-Forwarded-For says', async () => {
    const { limitUserAction } = await import('../../lib/ratelimit/user-actions');
    const { resetRateLimiter } = await import('../../lib/ratelimit');
    const { fromAddress } = await import('../helpers/api');
    await resetRateLimiter();
    const from = (i: number) => new Request('http://localhost/api/nodes/register', { headers: { ...fromAddress('192.0.2.77'), 'x-forwarded-for': `198.51.100.${i}` } });
    await assert.rejects(async () => {
      for (let i = 0; i < 3; i += 1) await limitUserAction('probe-test', 'user-a', 2, from(i));
    }, /2 probe test requests per minute/);
    // Other users on the same address share a budget of 3 × 2.
    let refused = 0;
    for (let i = 0; i < 8; i += 1) {
      try {
        await limitUserAction('probe-test', `user-${i % 4}-b`, 2, from(100 + i));
      } catch {
        refused += 1;
      }
    }
    assert.ok(refused >= 4, `refused ${refused}`);
    await resetRateLimiter();
  });
});
