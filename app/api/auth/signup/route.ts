import { authConfig } from '@/lib/auth/config';
import { sessionResponse, signUp, signUpSchema } from '@/lib/auth/local';
import { clientIp } from '@/lib/http/client-ip';
import { getSql } from '@/lib/db/client';
import { readJson, route } from '@/lib/http/http-error';
import { supabaseAuthSettings, supabaseSignUp } from '@/lib/auth/supabase-auth';

export const dynamic = 'force-dynamic';

/** POST /api/auth/signup {email, password, display_name?} → 201 {user, token, expires_at} + session cookie. */
export const POST = route(async (request) => {
  const config = authConfig();
  const input = await readJson(request, signUpSchema);
  const supabase = supabaseAuthSettings();
  if (supabase) return supabaseSignUp(request, supabase, getSql(), config, input);
  return sessionResponse(config, await signUp(getSql(), config, input, clientIp(request.headers)), 201);
});
