import { authConfig } from '@/lib/auth/config';
import { sessionResponse, signUp, signUpSchema } from '@/lib/auth/local';
import { clientBucket } from '@/lib/http/client-ip';
import { assertSameSiteMutation } from '@/lib/http/csrf';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { readJson, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

/** POST /api/auth/signup {email, password, display_name?} → 201 {user, token, expires_at, cookie} + session cookie. */
const postHandler = route(async (request) => {
  assertSameSiteMutation(request);
  const config = authConfig();
  const input = await readJson(request, signUpSchema);
  return sessionResponse(config, await signUp(getSql(), config, input, clientBucket(request.headers)), 201, request);
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
