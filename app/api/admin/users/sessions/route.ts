import { z } from 'zod';
import { audit } from '@/lib/admin/audit';
import { revokeAllSessions } from '@/lib/auth/revocation';
import { requireAdmin } from '@/lib/auth/session';
import { getSql, type Sql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { notFound, readJson, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

const bodySchema = z.object({ user_id: z.uuid() }).strict();

/** POST /api/admin/users/sessions {user_id} (admins): signs the user out everywhere at once; audited. */
const postHandler = route(async (request) => {
  const sql = getSql();
  const admin = await requireAdmin(request, { sql });
  const { user_id } = await readJson(request, bodySchema);
  const ended = await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [user] = await t`select id from profiles where id = ${user_id} for update`;
    if (!user) throw notFound('User');
    const count = await revokeAllSessions(t, user_id);
    await audit(t, admin.id, 'user.sign_out_everywhere', { type: 'profile', id: user_id }, { sessions_ended: count });
    return count;
  });
  return Response.json({ user_id, sessions_ended: ended }, { headers: { 'Cache-Control': 'no-store' } });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
