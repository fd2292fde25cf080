import { authConfig } from '@/lib/auth/config';
import { sessionResponse, signUp, signUpSchema } from '@/lib/auth/local';
import { sendSignUpVerification } from '@/lib/auth/recovery';
import { clientBucket } from '@/lib/http/client-ip';
import { assertSameSiteMutation } from '@/lib/http/csrf';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { readJson, route } from '@/lib/http/http-error';
import { supabaseAuthSettings, supabaseSignUp } from '@/lib/auth/supabase-auth';

export const dynamic = 'force-dynamic';

/** POST /api/auth/signup {email, password, display_name?} → 201 {user, token, expires_at, cookie} + session cookie. */
const postHandler = route(async (request) => {
  assertSameSiteMutation(request);
  const config = authConfig();
  const input = await readJson(request, signUpSchema);
  const supabase = supabaseAuthSettings();
  if (supabase) return supabaseSignUp(request, supabase, getSql(), config, input);
  const result = await signUp(getSql(), config, input, clientBucket(request.headers));
  // With email configured, the new account gets a verification link (sent after the answer).
  await sendSignUpVerification(getSql(), { id: result.profile.id, email: result.profile.email });
  return sessionResponse(config, result, 201, request);
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
