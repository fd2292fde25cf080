import { clientBucket } from '../http/client-ip';
import { tooManyRequests } from '../http/http-error';
import { getRateLimiter } from './index';

/** Several accounts may share one address (NAT); the per-address budget is this many users' worth. */
export const ADDRESS_SHARE = 3;

/**
 * Throttles an expensive signed-in action (one that makes outbound requests or
 * probes) per user and, given the request, per client address (lib/http/client-ip, so
 * a forged X-Forwarded-For cannot multiply it), on the shared limiter (Redis when
 * configured), so every instance counts together. Throws a 429 with Retry-After past
 * the limit; lets the action through when the limiter itself is unreachable.
 */
export async function limitUserAction(action: string, userId: string, perMinute: number, request?: Request): Promise<void> {
  const checks: [string, number][] = [[`user:${action}:${userId}`, perMinute]];
  if (request) checks.push([`addr:${action}:${clientBucket(request.headers)}`, perMinute * ADDRESS_SHARE]);
  for (const [identifier, limit] of checks) {
    let result;
    try {
      const { limiter } = await getRateLimiter();
      result = await limiter.limit(identifier, limit);
    } catch (error) {
      console.error(`rate limiter unavailable for ${action}: ${(error as Error).message}`);
      return;
    }
    if (!result.success) {
      const who = identifier.startsWith('addr:') ? ' from this address' : '';
      throw tooManyRequests(`At most ${limit} ${action.replace(/-/g, ' ')} requests per minute${who}; try again shortly.`, (result.reset - Date.now()) / 1000);
    }
  }
}
