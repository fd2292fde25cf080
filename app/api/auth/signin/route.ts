import { authConfig } from '@/lib/auth/config';
import { credentialsSchema, sessionCookie, signIn } from '@/lib/auth/local';
import { clientIp } from '@/lib/auth/sign-in-limiter';
import { getSql } from '@/lib/db/client';
import { readJson, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

/** POST /api/auth/signin {email, password} → {user, token, expires_at} + session cookie. */
export const POST = route(async (request) => {
  const config = authConfig();
  const input = await readJson(request, credentialsSchema);
  const result = await signIn(getSql(), config, input, clientIp(request));
  return Response.json(
    { user: result.profile, token: result.token, expires_at: result.expiresAt },
    { headers: { 'Set-Cookie': sessionCookie(config, result.token, config.sessionTtlSeconds), 'Cache-Control': 'no-store' } },
  );
});
