import { requireAdmin } from '@/lib/auth/session';
import { listUsers, listUsersQuerySchema, updateUser, updateUserSchema } from '@/lib/admin/users';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { readJson, readQuery, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

/** GET /api/admin/users?q=&banned=&limit=&offset= (admins). */
const getHandler = route(async (request) => {
  const sql = getSql();
  await requireAdmin(request, { sql });
  return Response.json(await listUsers(sql, readQuery(request, listUsersQuerySchema)), { headers: { 'Cache-Control': 'no-store' } });
});

/** PATCH /api/admin/users {user_id, banned?, reason?, role?}: ban/unban (reason required to ban) or change role; audited. */
const patchHandler = route(async (request) => {
  const sql = getSql();
  const admin = await requireAdmin(request, { sql });
  const input = await readJson(request, updateUserSchema);
  return Response.json({ user: await updateUser(sql, admin.id, input) });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler, PATCH: patchHandler });
