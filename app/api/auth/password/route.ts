import { z } from 'zod';
import { supabaseAuthSettings, supabaseUpdatePassword } from '@/lib/auth/supabase-auth';
import { HttpError, readJson, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

const passwordSchema = z.object({ password: z.string().min(10, 'at least 10 characters').max(200) }).strict();

/** POST /api/auth/password {password}: the signed-in Supabase user's new password (after a reset link). */
export const POST = route(async (request) => {
  const supabase = supabaseAuthSettings();
  if (!supabase) throw new HttpError(403, 'Password change unavailable', 'Setting a password this way needs Supabase Auth (SUPABASE_URL, SUPABASE_ANON_KEY).');
  const { password } = await readJson(request, passwordSchema);
  return supabaseUpdatePassword(request, supabase, password);
});
