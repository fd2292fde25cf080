import { supabaseAuthSettings, supabaseConfirm } from '@/lib/auth/supabase-auth';
import { HttpError, route } from '@/lib/http/http-error';
import { routeMethods } from '@/lib/api/methods';

export const dynamic = 'force-dynamic';

/** GET /api/auth/confirm?token_hash=&type=&next=: the link of Supabase Auth's emails (sign-up confirmation, password reset). */
const getHandler = route(async (request) => {
  const supabase = supabaseAuthSettings();
  if (!supabase) throw new HttpError(404, 'Not found', 'Email links are only used with Supabase Auth.');
  return supabaseConfirm(request, supabase);
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler });
