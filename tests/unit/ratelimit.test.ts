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
      kind: 'redis', redisUrl: 'redis://127.0.0.1:6379', prefix: 'peerscope:ratelimit', anonymousPerMinute: 5,
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
