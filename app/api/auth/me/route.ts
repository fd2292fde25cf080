import { authConfig } from '@/lib/auth/config';
import { publicProfile } from '@/lib/auth/profiles';
import { requireUser } from '@/lib/auth/session';
import { routeMethods } from '@/lib/api/methods';
import { route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

/** GET /api/auth/me: the signed-in profile and the auth mode. */
const getHandler = route(async (request) => {
  const config = authConfig();
  const profile = await requireUser(request, { config });
  return Response.json({ user: publicProfile(profile), auth: { mode: config.supabase ? 'supabase' : 'local' } });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler });
