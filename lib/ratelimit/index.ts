import { z } from 'zod';
import { MemoryRateLimiter } from './memory';
import { FallbackRateLimiter } from './fallback';
import { UpstashRateLimiter } from './upstash';
import type { RateLimiter, RateLimiterStatus } from './types';

export type { RateLimiter, RateLimiterStatus, RateLimitResult } from './types';
export { RATE_LIMIT_HOUR_MS, RATE_LIMIT_WINDOW_MS } from './types';

const rateLimitEnvSchema = z.object({
  REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  UPSTASH_REDIS_REST_URL: z.url().optional().or(z.literal('').transform(() => undefined)),
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  RATE_LIMIT_PREFIX: z.string().trim().min(1).default('peerscope:ratelimit'),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  RATE_LIMIT_REDIS_TIMEOUT_MS: z.coerce.number().int().min(5).max(5000).default(50),
});

export interface RateLimitSettings {
  kind: 'memory' | 'redis' | 'upstash';
  redisUrl?: string;
  upstash?: { url: string; token: string };
  prefix: string;
  anonymousPerMinute: number;
  /** Longest wait for Redis per request before the in-process limiter answers (default 50). */
  timeoutMs?: number;
}

export class RateLimitConfigError extends Error {
  override name = 'RateLimitConfigError';
}

/** REDIS_URL (plain Redis) wins over UPSTASH_REDIS_REST_URL/TOKEN; neither → in-memory. */
export function resolveRateLimitSettings(env: Record<string, string | undefined> = process.env): RateLimitSettings {
  const parsed = rateLimitEnvSchema.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new RateLimitConfigError(`Invalid rate limit settings: ${details}`);
  }
  const { REDIS_URL, UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN, RATE_LIMIT_PREFIX, RATE_LIMIT_ANONYMOUS_PER_MINUTE, RATE_LIMIT_REDIS_TIMEOUT_MS } =
    parsed.data;
  const base = { prefix: RATE_LIMIT_PREFIX, anonymousPerMinute: RATE_LIMIT_ANONYMOUS_PER_MINUTE, timeoutMs: RATE_LIMIT_REDIS_TIMEOUT_MS };
  if (REDIS_URL) return { kind: 'redis', redisUrl: REDIS_URL, ...base };
  if (UPSTASH_REDIS_REST_URL) {
    if (!UPSTASH_REDIS_REST_TOKEN) throw new RateLimitConfigError('UPSTASH_REDIS_REST_TOKEN is required with UPSTASH_REDIS_REST_URL');
    return { kind: 'upstash', upstash: { url: UPSTASH_REDIS_REST_URL, token: UPSTASH_REDIS_REST_TOKEN }, ...base };
  }
  return { kind: 'memory', ...base };
}

/**
 * Builds the limiter the settings ask for. Redis clients are created lazily and connect on
 * first use; a shared store is wrapped so that an outage falls back to in-process limits.
 */
export async function createRateLimiter(settings: RateLimitSettings): Promise<RateLimiter> {
  if (settings.kind === 'redis') {
    const [{ default: Redis }, { createIoredisAdapter }] = await Promise.all([import('ioredis'), import('./redis-adapter')]);
    const client = new Redis(settings.redisUrl!, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, enableOfflineQueue: true });
    client.on('error', () => {}); // surfaced per request instead
    client.connect().catch(() => {}); // connect now, so the first request does not pay for it
    const redis = new UpstashRateLimiter({
      backend: 'redis',
      redis: createIoredisAdapter(client),
      prefix: settings.prefix,
      timeoutMs: settings.timeoutMs,
      close: async () => {
        client.disconnect();
      },
    });
    return new FallbackRateLimiter(redis, new MemoryRateLimiter(), { timeoutMs: settings.timeoutMs });
  }
  if (settings.kind === 'upstash') {
    const { Redis } = await import('@upstash/redis');
    const upstash = new UpstashRateLimiter({ backend: 'upstash', redis: new Redis(settings.upstash!), prefix: settings.prefix, timeoutMs: settings.timeoutMs });
    return new FallbackRateLimiter(upstash, new MemoryRateLimiter(), { timeoutMs: settings.timeoutMs });
  }
  return new MemoryRateLimiter();
}

const globalForLimiter = globalThis as typeof globalThis & {
  __peerscopeRateLimiter?: Promise<{ limiter: RateLimiter; settings: RateLimitSettings }>;
};

/** The process-wide limiter, built once from the environment. */
export function getRateLimiter(): Promise<{ limiter: RateLimiter; settings: RateLimitSettings }> {
  globalForLimiter.__peerscopeRateLimiter ??= (async () => {
    const settings = resolveRateLimitSettings();
    return { limiter: await createRateLimiter(settings), settings };
  })();
  globalForLimiter.__peerscopeRateLimiter.catch(() => {
    globalForLimiter.__peerscopeRateLimiter = undefined;
  });
  return globalForLimiter.__peerscopeRateLimiter;
}

/** Forgets the process-wide limiter (tests, after changing the environment). */
export async function resetRateLimiter(): Promise<void> {
  const current = globalForLimiter.__peerscopeRateLimiter;
  globalForLimiter.__peerscopeRateLimiter = undefined;
  if (current) await (await current.catch(() => null))?.limiter.close?.();
}

/** What /api/health reports about rate limiting; never throws. */
export async function rateLimiterHealth(): Promise<RateLimiterStatus | { backend: 'unknown'; error: string }> {
  try {
    const { limiter } = await getRateLimiter();
    return limiter.status?.() ?? { backend: limiter.backend, active: limiter.backend, fallback: false };
  } catch (error) {
    return { backend: 'unknown', error: (error as Error).message };
  }
}
