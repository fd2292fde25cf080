import { z } from 'zod';
import { updateUser } from '@/lib/admin/users';
import { requireAdmin } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { parseId, readJson, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

const bodySchema = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();

/** POST /api/admin/users/[id]/ban {reason?}: bans the user (sessions get 403, API keys stop working); audited → {success, user}. */
const postHandler = route<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const sql = getSql();
  const admin = await requireAdmin(request, { sql });
  const userId = parseId((await params).id, z.uuid(), 'User');
  const { reason } = await readJson(request, bodySchema);
  const user = await updateUser(sql, admin.id, { user_id: userId, banned: true, reason: reason ?? 'Banned by an administrator.' });
  return Response.json({ success: true, user });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
