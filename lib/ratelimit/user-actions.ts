import { tooManyRequests } from '../http/http-error';
import { getRateLimiter } from './index';

/**
 * Throttles an expensive signed-in action (one that makes outbound requests or
 * probes) per user, on the shared limiter (Redis when configured), so every
 * instance counts together. Throws a 429 with Retry-After past the limit; lets
 * the action through when the limiter itself is unreachable.
 */
export async function limitUserAction(action: string, userId: string, perMinute: number): Promise<void> {
  let result;
  try {
    const { limiter } = await getRateLimiter();
    result = await limiter.limit(`user:${action}:${userId}`, perMinute);
  } catch (error) {
    console.error(`rate limiter unavailable for ${action}: ${(error as Error).message}`);
    return;
  }
  if (!result.success) {
    throw tooManyRequests(`At most ${perMinute} ${action.replace(/-/g, ' ')} requests per minute; try again shortly.`, (result.reset - Date.now()) / 1000);
  }
}
