import { authConfig } from '@/lib/auth/config';
import { credentialsSchema, sessionResponse, signIn } from '@/lib/auth/local';
import { clientBucket } from '@/lib/http/client-ip';
import { assertSameSiteMutation } from '@/lib/http/csrf';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { readJson, route } from '@/lib/http/http-error';
import { supabaseAuthSettings, supabaseSignIn, supabaseSignInSchema } from '@/lib/auth/supabase-auth';

export const dynamic = 'force-dynamic';

/** POST /api/auth/signin {email, password} → {user, token, expires_at, cookie} + session cookie. */
const postHandler = route(async (request) => {
  assertSameSiteMutation(request);
  const config = authConfig();
  const supabase = supabaseAuthSettings();
  if (supabase) return supabaseSignIn(request, supabase, getSql(), config, await readJson(request, supabaseSignInSchema));
  const input = await readJson(request, credentialsSchema);
  return sessionResponse(config, await signIn(getSql(), config, input, clientBucket(request.headers)), 200, request);
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
