/** The outcome of one rate-limit check, whichever backend answered it. */
export interface RateLimitResult {
  success: boolean;
  /** Requests allowed per window. */
  limit: number;
  /** Requests left in the current window (0 when refused). */
  remaining: number;
  /** Unix milliseconds when the current window ends. */
  reset: number;
}

/**
 * A sliding-window limiter (Upstash's algorithm): `limit` requests per window per
 * identifier, the previous window's count weighted by how much of it still overlaps.
 */
export interface RateLimiter {
  readonly backend: 'memory' | 'redis' | 'upstash';
  /** `windowMs` defaults to RATE_LIMIT_WINDOW_MS (API keys count per hour). */
  limit(identifier: string, limitPerWindow: number, windowMs?: number): Promise<RateLimitResult>;
  close?(): Promise<void>;
  /** Which store answers now (a shared store may have fallen back to memory). */
  status?(): RateLimiterStatus;
}

export interface RateLimiterStatus {
  /** The configured store. */
  backend: 'memory' | 'redis' | 'upstash';
  /** The store answering now: `memory` while a shared store is down. */
  active: 'memory' | 'redis' | 'upstash';
  fallback: boolean;
  since?: string;
  error?: string | null;
}

export const RATE_LIMIT_WINDOW_MS = 60_000;
export const RATE_LIMIT_HOUR_MS = 3_600_000;
