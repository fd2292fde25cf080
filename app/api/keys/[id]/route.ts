import { z } from 'zod';
import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { parseId, route } from '@/lib/http/http-error';
import { deleteApiKey } from '@/lib/keys/manage';

export const dynamic = 'force-dynamic';

/** DELETE /api/keys/[id]: deletes the key; it stops working at once. */
const deleteHandler = route<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const id = parseId((await params).id, z.uuid(), 'API key');
  const key = await deleteApiKey(sql, user.id, id);
  return Response.json({ success: true, message: 'API key deleted.', key });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ DELETE: deleteHandler });
