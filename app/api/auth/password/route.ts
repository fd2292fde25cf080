import { authConfig } from '@/lib/auth/config';
import { changePassword, passwordChangeSchema, sessionResponse } from '@/lib/auth/local';
import { requireUser } from '@/lib/auth/session';
import { clientBucket } from '@/lib/http/client-ip';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { readJson, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

/**
 * POST /api/auth/password {current_password, new_password}: local accounts. Every session
 * of the account ends; the answer carries a new session (cookie + token) for the caller.
 */
const postHandler = route(async (request) => {
  const config = authConfig();
  const sql = getSql();
  const user = await requireUser(request, { sql, config });
  const input = await readJson(request, passwordChangeSchema);
  return sessionResponse(config, await changePassword(sql, config, user, input, clientBucket(request.headers)), 200, request);
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
