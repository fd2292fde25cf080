import { authConfig } from '@/lib/auth/config';
import { clearSessionCookie } from '@/lib/auth/local';
import { route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

/** POST /api/auth/signout: clears the local session cookie (tokens are stateless and expire on their own). */
export const POST = route(async () => {
  return Response.json({ signed_out: true }, { headers: { 'Set-Cookie': clearSessionCookie(authConfig()), 'Cache-Control': 'no-store' } });
});
