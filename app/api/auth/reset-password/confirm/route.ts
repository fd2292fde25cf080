import { authConfig } from '@/lib/auth/config';
import { sessionResponse } from '@/lib/auth/local';
import { confirmPasswordReset, resetConfirmSchema } from '@/lib/auth/recovery';
import { getSql } from '@/lib/db/client';
import { clientBucket } from '@/lib/http/client-ip';
import { assertSameSiteMutation } from '@/lib/http/csrf';
import { readJson, route } from '@/lib/http/http-error';
import { routeMethods } from '@/lib/api/methods';

export const dynamic = 'force-dynamic';

/** POST /api/auth/reset-password/confirm {token, password} (local accounts): new password, every session ended → {user, token, expires_at, cookie} + session cookie. */
const postHandler = route(async (request) => {
  assertSameSiteMutation(request);
  const config = authConfig();
  const input = await readJson(request, resetConfirmSchema, 4096);
  return sessionResponse(config, await confirmPasswordReset(getSql(), config, input, clientBucket(request.headers)), 200, request);
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
