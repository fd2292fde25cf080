import { z } from 'zod';
import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { parseId, route } from '@/lib/http/http-error';
import { revokeApiKey } from '@/lib/keys/manage';

export const dynamic = 'force-dynamic';

/** DELETE /api/keys/[id]: revokes the key. */
export const DELETE = route<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const id = parseId((await params).id, z.uuid(), 'API key');
  return Response.json({ api_key: await revokeApiKey(sql, user.id, id) });
});
