import { authConfig } from '@/lib/auth/config';
import { clearSessionCookie } from '@/lib/auth/local';
import { supabaseAuthSettings, supabaseSignOut } from '@/lib/auth/supabase-auth';
import { route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

/**
 * POST /api/auth/signout: clears the local session cookie (tokens are stateless and expire on their own); in
 * Supabase mode also ends the session at Supabase Auth and clears its cookies.
 */
export const POST = route(async (request) => {
  const headers = new Headers({ 'Set-Cookie': clearSessionCookie(authConfig()), 'Cache-Control': 'no-store' });
  const supabase = supabaseAuthSettings();
  if (supabase) for (const cookie of (await supabaseSignOut(request, supabase)).setCookies) headers.append('Set-Cookie', cookie);
  return Response.json({ signed_out: true }, { headers });
});
