import { Ratelimit } from '@upstash/ratelimit';
import type { Redis as UpstashRedis } from '@upstash/redis';
import type { UpstashLikeRedis } from './redis-adapter';
import { RateLimiterTimeoutError } from './fallback';
import { RATE_LIMIT_WINDOW_MS, type RateLimiter, type RateLimitResult } from './types';

export interface UpstashRateLimiterOptions {
  backend: 'redis' | 'upstash';
  redis: UpstashRedis | UpstashLikeRedis;
  /** Key prefix in Redis; distinct per deployment (and per test run). */
  prefix: string;
  windowMs?: number;
  /** Give up on Redis after this long (RateLimiterTimeoutError; FallbackRateLimiter answers instead). */
  timeoutMs?: number;
  close?: () => Promise<void>;
}

/**
 * @upstash/ratelimit's sliding window over Redis. One Ratelimit instance per
 * distinct limit (anonymous callers share one; API keys bring their own
 * rate_limit_per_hour over an hour), each under its own key prefix.
 */
export class UpstashRateLimiter implements RateLimiter {
  readonly backend: 'redis' | 'upstash';
  private readonly limiters = new Map<string, Ratelimit>();

  constructor(private readonly options: UpstashRateLimiterOptions) {
    this.backend = options.backend;
  }

  private limiterFor(limitPerWindow: number, windowMs: number): Ratelimit {
    const defaultWindow = windowMs === (this.options.windowMs ?? RATE_LIMIT_WINDOW_MS);
    const name = defaultWindow ? `${limitPerWindow}` : `${limitPerWindow}:${windowMs}ms`;
    let limiter = this.limiters.get(name);
    if (!limiter) {
      limiter = new Ratelimit({
        redis: this.options.redis as UpstashRedis,
        limiter: Ratelimit.slidingWindow(limitPerWindow, `${windowMs} ms`),
        prefix: `${this.options.prefix}:${name}`,
        timeout: this.options.timeoutMs ?? 50,
        analytics: false,
        enableProtection: false,
      });
      this.limiters.set(name, limiter);
    }
    return limiter;
  }

  async limit(identifier: string, limitPerWindow: number, windowMs = this.options.windowMs ?? RATE_LIMIT_WINDOW_MS): Promise<RateLimitResult> {
    const result = await this.limiterFor(limitPerWindow, windowMs).limit(identifier);
    // The library lets a timed-out request through; we would rather count it in memory.
    if (result.reason === 'timeout') throw new RateLimiterTimeoutError('Redis did not answer in time');
    return { success: result.success, limit: result.limit, remaining: result.remaining, reset: result.reset };
  }

  async close(): Promise<void> {
    await this.options.close?.();
  }
}
