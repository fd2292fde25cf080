import { authConfig } from '@/lib/auth/config';
import { requestPasswordReset, resetRequestSchema } from '@/lib/auth/recovery';
import { supabaseAuthSettings, supabaseRequestPasswordReset } from '@/lib/auth/supabase-auth';
import { getSql } from '@/lib/db/client';
import { clientBucket } from '@/lib/http/client-ip';
import { assertSameSiteMutation } from '@/lib/http/csrf';
import { readJson, route } from '@/lib/http/http-error';
import { routeMethods } from '@/lib/api/methods';

export const dynamic = 'force-dynamic';

/**
 * POST /api/auth/reset-password {email}: emails a reset link. Supabase mode: through Supabase Auth.
 * Local mode: through Resend, the same answer whether or not the address has an account
 * (503 when this deployment cannot send email).
 */
const postHandler = route(async (request) => {
  assertSameSiteMutation(request);
  const { email } = await readJson(request, resetRequestSchema);
  const supabase = supabaseAuthSettings();
  if (supabase) return supabaseRequestPasswordReset(request, supabase, email);
  return Response.json(await requestPasswordReset(getSql(), authConfig(), email, clientBucket(request.headers)));
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
