import { tooManyRequests } from '../http/http-error';
import { SlidingWindowLimiter } from '../auth/sign-in-limiter';

/**
 * Per-user limits on profile submissions (in memory per process, like sign-in's): decoding
 * and re-encoding an image costs CPU, and every submission lands in a moderator's queue.
 */
export const profileLimits = {
  avatarUploads: new SlidingWindowLimiter(30, 60 * 60_000),
  textChanges: new SlidingWindowLimiter(60, 60 * 60_000),
  reset(): void {
    this.avatarUploads.reset();
    this.textChanges.reset();
  },
};

export function limitProfileSubmission(kind: 'avatarUploads' | 'textChanges', userId: string): void {
  const verdict = profileLimits[kind].hit(userId);
  if (!verdict.allowed) {
    throw tooManyRequests(kind === 'avatarUploads' ? 'Too many avatar uploads; try again later.' : 'Too many profile changes; try again later.', verdict.retryAfterSeconds);
  }
}
