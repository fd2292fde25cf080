/**
 * In-memory sliding-window limiter for sign-in and sign-up attempts, per process.
 * Integration note: when the shared limiter (Redis) lands, swap `signInLimiter` for it;
 * the interface is one call, `hit(key)`.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** Records an attempt; returns whether it is allowed and, if not, seconds until it would be. */
  hit(key: string, now = Date.now()): { allowed: boolean; retryAfterSeconds: number } {
    const since = now - this.windowMs;
    const recent = (this.hits.get(key) ?? []).filter((time) => time > since);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return { allowed: false, retryAfterSeconds: Math.ceil((recent[0]! + this.windowMs - now) / 1000) };
    }
    recent.push(now);
    this.hits.delete(key);
    this.hits.set(key, recent);
    if (this.hits.size > this.maxKeys) {
      const oldest = this.hits.keys().next().value;
      if (oldest !== undefined) this.hits.delete(oldest);
    }
    return { allowed: true, retryAfterSeconds: 0 };
  }

  reset(key?: string): void {
    if (key === undefined) this.hits.clear();
    else this.hits.delete(key);
  }
}

/**
 * 10 attempts per 15 minutes per IP and email; 50 per 15 minutes per IP; 30 per 15 minutes per
 * email from any address (so a spoofed X-Forwarded-For cannot give unlimited guesses at one account).
 */
export const signInLimiter = {
  perAccount: new SlidingWindowLimiter(10, 15 * 60_000),
  perIp: new SlidingWindowLimiter(50, 15 * 60_000),
  perEmail: new SlidingWindowLimiter(30, 15 * 60_000),
};
