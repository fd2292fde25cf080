import { z } from 'zod';
import { authConfig } from '@/lib/auth/config';
import { clearSessionCookie } from '@/lib/auth/local';
import { revokeAllSessions, revokeSession } from '@/lib/auth/revocation';
import { authenticate } from '@/lib/auth/session';
import { supabaseAuthSettings, supabaseSignOut } from '@/lib/auth/supabase-auth';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { HttpError, readJson, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

const signOutSchema = z.object({ everywhere: z.boolean().default(false) }).strict();

/**
 * POST /api/auth/signout {everywhere?}: ends this session (its token stops working at once)
 * or, with everywhere: true, every session of the account; clears the session cookie.
 * Without a valid session it only clears the cookie. In Supabase mode it also ends the
 * session at Supabase Auth and clears its cookies.
 */
const postHandler = route(async (request) => {
  const config = authConfig();
  const sql = getSql();
  const input = await readJson(request, signOutSchema);
  let revoked = 0;
  try {
    const { identity } = await authenticate(request, { sql, config });
    if (input.everywhere) revoked = await revokeAllSessions(sql, identity.userId);
    else if (identity.sessionId) {
      await revokeSession(sql, identity.sessionId);
      revoked = 1;
    }
  } catch (error) {
    // No (valid) session: nothing to end. Cross-site and malformed requests still fail.
    if (!(error instanceof HttpError) || ![401, 403].includes(error.status) || error.error === 'Cross-site request refused') throw error;
  }
  const headers = new Headers({ 'Set-Cookie': clearSessionCookie(config, request), 'Cache-Control': 'no-store' });
  const supabase = supabaseAuthSettings();
  if (supabase) for (const cookie of (await supabaseSignOut(request, supabase)).setCookies) headers.append('Set-Cookie', cookie);
  return Response.json({ signed_out: true, sessions_ended: revoked }, { headers });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
