import { z } from 'zod';
import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { readJson, route } from '@/lib/http/http-error';
import { createApiKey, listApiKeys, type CreateKeyInput } from '@/lib/keys/manage';

export const dynamic = 'force-dynamic';

/** GET /api/keys: the caller's keys (no secrets). */
const getHandler = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  return Response.json({ keys: await listApiKeys(sql, user.id) });
});

/** POST /api/keys {name, description?, scopes?, rateLimit? (per hour), expiresAt?} → 201 {key, rawKey, warning}; rawKey is shown this once. */
const postHandler = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  // createApiKey validates (400 with the zod details on bad input).
  const input = await readJson(request, z.object({}).passthrough());
  return Response.json(await createApiKey(sql, user.id, input as CreateKeyInput), { status: 201 });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler, POST: postHandler });
