import { RATE_LIMIT_WINDOW_MS, type RateLimiter, type RateLimitResult } from './types';

interface Bucket {
  window: number;
  count: number;
}

/**
 * In-process limiter for the embedded default (no Redis configured). It runs the
 * same sliding-window arithmetic as @upstash/ratelimit's `slidingWindow`, so both
 * backends refuse at the same request; counts are per process.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly backend = 'memory' as const;
  private readonly buckets = new Map<string, Bucket[]>();
  private lastSweep = 0;

  constructor(
    private readonly windowMs = RATE_LIMIT_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async limit(identifier: string, limitPerWindow: number, windowMs = this.windowMs): Promise<RateLimitResult> {
    const now = this.now();
    const currentWindow = Math.floor(now / windowMs);
    this.sweep(now);
    const key = `${windowMs}:${limitPerWindow}:${identifier}`;
    const buckets = (this.buckets.get(key) ?? []).filter((bucket) => bucket.window >= currentWindow - 1);
    let current = buckets.find((bucket) => bucket.window === currentWindow);
    const previous = buckets.find((bucket) => bucket.window === currentWindow - 1)?.count ?? 0;
    const weightedPrevious = Math.floor((1 - (now % windowMs) / windowMs) * previous);
    const reset = (currentWindow + 1) * windowMs;
    const used = weightedPrevious + (current?.count ?? 0);
    if (used >= limitPerWindow) {
      this.buckets.set(key, buckets);
      return { success: false, limit: limitPerWindow, remaining: 0, reset };
    }
    if (!current) {
      current = { window: currentWindow, count: 0 };
      buckets.push(current);
    }
    current.count += 1;
    this.buckets.set(key, buckets);
    return { success: true, limit: limitPerWindow, remaining: Math.max(0, limitPerWindow - (weightedPrevious + current.count)), reset };
  }

  /** Drops identifiers idle for two of their windows so memory stays bounded (keys start with their window length). */
  private sweep(now: number): void {
    const currentWindow = Math.floor(now / this.windowMs);
    if (currentWindow - this.lastSweep < 1) return;
    this.lastSweep = currentWindow;
    for (const [key, buckets] of this.buckets) {
      const windowMs = Number(key.slice(0, key.indexOf(':')));
      if (buckets.every((bucket) => bucket.window < Math.floor(now / windowMs) - 1)) this.buckets.delete(key);
    }
  }
}
