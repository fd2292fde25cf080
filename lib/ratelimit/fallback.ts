import { MemoryRateLimiter } from './memory';
import type { RateLimiter, RateLimiterStatus, RateLimitResult } from './types';

export class RateLimiterTimeoutError extends Error {
  override name = 'RateLimiterTimeoutError';
}

export interface FallbackOptions {
  /** Longest wait for the shared store per request. */
  timeoutMs?: number;
  /** After a failure, use the in-process limiter this long before trying the store again. */
  retryAfterMs?: number;
  now?: () => number;
  log?: (message: string) => void;
}

/**
 * The shared limiter (Redis, Upstash) with a fast way out: a request waits at most
 * `timeoutMs` for it; on a timeout or an error the in-process limiter answers instead,
 * and keeps answering for `retryAfterMs` before the store is tried again. A Redis outage
 * therefore costs one short wait, and limits still hold (per process) meanwhile.
 */
export class FallbackRateLimiter implements RateLimiter {
  readonly backend: RateLimiter['backend'];
  private readonly timeoutMs: number;
  private readonly retryAfterMs: number;
  private readonly now: () => number;
  private readonly log: (message: string) => void;
  private downSince: number | null = null;
  private retryAt = 0;
  private lastError: string | null = null;

  constructor(
    private readonly primary: RateLimiter,
    private readonly fallback: RateLimiter = new MemoryRateLimiter(),
    options: FallbackOptions = {},
  ) {
    this.backend = primary.backend;
    this.timeoutMs = options.timeoutMs ?? 50;
    this.retryAfterMs = options.retryAfterMs ?? 5000;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((message) => console.error(`[ratelimit] ${message}`));
  }

  async limit(identifier: string, limitPerWindow: number, windowMs?: number): Promise<RateLimitResult> {
    if (this.downSince !== null && this.now() < this.retryAt) return this.fallback.limit(identifier, limitPerWindow, windowMs);
    try {
      const result = await this.withTimeout(this.primary.limit(identifier, limitPerWindow, windowMs));
      if (this.downSince !== null) this.log(`${this.backend} answers again; shared limits are back`);
      this.downSince = null;
      this.lastError = null;
      return result;
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      if (this.downSince === null) {
        this.downSince = this.now();
        this.log(`${this.backend} unavailable (${message}); using in-process limits`);
      }
      this.lastError = message;
      this.retryAt = this.now() + this.retryAfterMs;
      return this.fallback.limit(identifier, limitPerWindow, windowMs);
    }
  }

  status(): RateLimiterStatus {
    const down = this.downSince !== null;
    return {
      backend: this.backend,
      active: down ? this.fallback.backend : this.backend,
      fallback: down,
      ...(down ? { since: new Date(this.downSince!).toISOString(), error: this.lastError } : {}),
    };
  }

  async close(): Promise<void> {
    await this.primary.close?.();
  }

  private withTimeout<T>(promise: Promise<T>): Promise<T> {
    promise.catch(() => {}); // a late failure after the timeout is already handled
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new RateLimiterTimeoutError(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}
