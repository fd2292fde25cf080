/**
 * Reconnect delays: exponential from `baseMs`, capped at `maxMs`, with up to
 * ±20 % jitter so thousands of sessions dropped together (our own network
 * blip) do not reconnect in one burst.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, maxMs: 30 * 60_000 };

/** attempt 0 is the first retry after the confirming reconnect failed. */
export function reconnectDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const raw = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  const jitter = 1 + (random() * 0.4 - 0.2);
  return Math.max(1, Math.round(raw * jitter));
}
