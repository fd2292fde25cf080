/**
 * In-memory limits on sign-in and sign-up, per process.
 *
 * - Per address: at most 50 attempts per 15 minutes from one client address (any accounts).
 * - Per (account, address): 5 wrong passwords are free, then each further attempt waits
 *   2^(n-5) seconds after the last failure (2 s, 4 s, … capped at 15 minutes). A correct
 *   password clears it. Guessing from one address gets slow; nobody else is affected.
 * - Per account: a ceiling of 100 wrong passwords per 15 minutes from addresses that have
 *   never signed in to it, against guessing spread over many addresses. Addresses the owner
 *   signed in from before (remembered 30 days) are exempt, so the ceiling cannot lock the
 *   owner out.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** Whether an attempt would be allowed now, without recording it. */
  peek(key: string, now = Date.now()): { allowed: boolean; retryAfterSeconds: number } {
    const recent = (this.hits.get(key) ?? []).filter((time) => time > now - this.windowMs);
    if (recent.length >= this.limit) return { allowed: false, retryAfterSeconds: Math.ceil((recent[0]! + this.windowMs - now) / 1000) };
    return { allowed: true, retryAfterSeconds: 0 };
  }

  /** Records an attempt; returns whether it is allowed and, if not, seconds until it would be. */
  hit(key: string, now = Date.now()): { allowed: boolean; retryAfterSeconds: number } {
    const verdict = this.peek(key, now);
    const recent = (this.hits.get(key) ?? []).filter((time) => time > now - this.windowMs);
    if (verdict.allowed) recent.push(now);
    this.hits.delete(key);
    this.hits.set(key, recent);
    if (this.hits.size > this.maxKeys) {
      const oldest = this.hits.keys().next().value;
      if (oldest !== undefined) this.hits.delete(oldest);
    }
    return verdict;
  }

  reset(key?: string): void {
    if (key === undefined) this.hits.clear();
    else this.hits.delete(key);
  }
}

/** Exponential delay per key after `free` failures; bounded memory (oldest keys dropped). */
export class FailureBackoff {
  private readonly failures = new Map<string, { count: number; last: number }>();
  constructor(
    readonly free = 5,
    readonly maxDelayMs = 15 * 60_000,
    private readonly forgetAfterMs = 24 * 3600_000,
    private readonly maxKeys = 100_000,
  ) {}

  private delayMs(count: number): number {
    if (count < this.free) return 0;
    return Math.min(this.maxDelayMs, 1000 * 2 ** (count - this.free + 1));
  }

  check(key: string, now = Date.now()): { allowed: boolean; retryAfterSeconds: number } {
    const entry = this.failures.get(key);
    if (!entry || now - entry.last > this.forgetAfterMs) return { allowed: true, retryAfterSeconds: 0 };
    const wait = entry.last + this.delayMs(entry.count) - now;
    return wait > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000) } : { allowed: true, retryAfterSeconds: 0 };
  }

  fail(key: string, now = Date.now()): void {
    const entry = this.failures.get(key);
    const count = entry && now - entry.last <= this.forgetAfterMs ? entry.count + 1 : 1;
    this.failures.delete(key);
    this.failures.set(key, { count, last: now });
    if (this.failures.size > this.maxKeys) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  reset(): void {
    this.failures.clear();
  }
}

/** (account, address) pairs that signed in successfully, for a while. */
export class KnownAddresses {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly rememberMs = 30 * 24 * 3600_000,
    private readonly maxKeys = 200_000,
  ) {}

  has(key: string, now = Date.now()): boolean {
    const at = this.seen.get(key);
    return at !== undefined && now - at < this.rememberMs;
  }

  add(key: string, now = Date.now()): void {
    this.seen.delete(key);
    this.seen.set(key, now);
    if (this.seen.size > this.maxKeys) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  reset(): void {
    this.seen.clear();
  }
}

export const signInLimiter = {
  perIp: new SlidingWindowLimiter(50, 15 * 60_000),
  perAccountAddress: new FailureBackoff(5),
  accountCeiling: new SlidingWindowLimiter(100, 15 * 60_000),
  knownAddresses: new KnownAddresses(),
  /** Forgets everything (tests). */
  reset(): void {
    this.perIp.reset();
    this.perAccountAddress.reset();
    this.accountCeiling.reset();
    this.knownAddresses.reset();
  },
};
