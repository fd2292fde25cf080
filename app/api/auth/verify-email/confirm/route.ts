import { authConfig } from '@/lib/auth/config';
import { confirmEmailVerification, verifyConfirmSchema } from '@/lib/auth/recovery';
import { getSql } from '@/lib/db/client';
import { clientBucket } from '@/lib/http/client-ip';
import { assertSameSiteMutation } from '@/lib/http/csrf';
import { readJson, route } from '@/lib/http/http-error';
import { routeMethods } from '@/lib/api/methods';

export const dynamic = 'force-dynamic';

/** POST /api/auth/verify-email/confirm {token} (the emailed link; no session needed) → {success, message, email, email_verified_at}. */
const postHandler = route(async (request) => {
  assertSameSiteMutation(request);
  const { token } = await readJson(request, verifyConfirmSchema, 4096);
  return Response.json(await confirmEmailVerification(getSql(), authConfig(), token, clientBucket(request.headers)));
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
