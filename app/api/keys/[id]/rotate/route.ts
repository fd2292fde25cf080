import { z } from 'zod';
import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { parseId, route } from '@/lib/http/http-error';
import { rotateApiKey } from '@/lib/keys/manage';

export const dynamic = 'force-dynamic';

/** POST /api/keys/[id]/rotate: revokes the key and issues a new one with the same settings → 201 {key, rawKey, warning, replacedKeyId}. */
const postHandler = route<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const id = parseId((await params).id, z.uuid(), 'API key');
  return Response.json(await rotateApiKey(sql, user.id, id), { status: 201 });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
