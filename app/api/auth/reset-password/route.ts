import { z } from 'zod';
import { supabaseAuthSettings, supabaseRequestPasswordReset } from '@/lib/auth/supabase-auth';
import { HttpError, readJson, route } from '@/lib/http/http-error';
import { routeMethods } from '@/lib/api/methods';

export const dynamic = 'force-dynamic';

const resetSchema = z.object({ email: z.email().max(254).transform((email) => email.trim().toLowerCase()) }).strict();

/** POST /api/auth/reset-password {email}: Supabase Auth emails a reset link (Supabase mode only; 403 otherwise). */
const postHandler = route(async (request) => {
  const supabase = supabaseAuthSettings();
  if (!supabase) throw new HttpError(403, 'Password reset unavailable', 'Local accounts have no email; password reset needs Supabase Auth (SUPABASE_URL, SUPABASE_ANON_KEY).');
  const { email } = await readJson(request, resetSchema);
  return supabaseRequestPasswordReset(request, supabase, email);
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
