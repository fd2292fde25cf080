import { z } from 'zod';
import { authConfig } from '@/lib/auth/config';
import { changePassword, passwordChangeSchema, sessionResponse } from '@/lib/auth/local';
import { requireUser } from '@/lib/auth/session';
import { supabaseAuthSettings, supabaseUpdatePassword } from '@/lib/auth/supabase-auth';
import { clientBucket } from '@/lib/http/client-ip';
import { getSql } from '@/lib/db/client';
import { readJson, route } from '@/lib/http/http-error';
import { routeMethods } from '@/lib/api/methods';

export const dynamic = 'force-dynamic';

const supabasePasswordSchema = z.object({ password: z.string().min(10, 'at least 10 characters').max(200) }).strict();

/**
 * POST /api/auth/password.
 * Local accounts: {current_password, new_password}; every session of the account ends and the
 * answer carries a new session (cookie + token) for the caller.
 * Supabase Auth (SUPABASE_URL, SUPABASE_ANON_KEY): {password}, the signed-in user's new password
 * (after a reset link).
 */
const postHandler = route(async (request) => {
  const supabase = supabaseAuthSettings();
  if (supabase) {
    const { password } = await readJson(request, supabasePasswordSchema);
    return supabaseUpdatePassword(request, supabase, password);
  }
  const config = authConfig();
  const sql = getSql();
  const user = await requireUser(request, { sql, config });
  const input = await readJson(request, passwordChangeSchema);
  return sessionResponse(config, await changePassword(sql, config, user, input, clientBucket(request.headers)), 200, request);
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
