import { authConfig } from '@/lib/auth/config';
import { requestEmailVerification } from '@/lib/auth/recovery';
import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { clientBucket } from '@/lib/http/client-ip';
import { readJson, route } from '@/lib/http/http-error';
import { routeMethods } from '@/lib/api/methods';
import { z } from 'zod';

export const dynamic = 'force-dynamic';

/** POST /api/auth/verify-email {} (signed in, local accounts): emails a verification link → {success, message}. */
const postHandler = route(async (request) => {
  const config = authConfig();
  const sql = getSql();
  const user = await requireUser(request, { sql, config });
  await readJson(request, z.object({}).strict(), 1024);
  return Response.json(await requestEmailVerification(sql, config, user, clientBucket(request.headers)));
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
