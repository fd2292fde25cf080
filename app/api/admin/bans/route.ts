import { createBan, liftBan, listBans } from '@/lib/bans/store';
import { liftBanSchema, createBanSchema, listBansQuerySchema } from '@/lib/bans/schemas';
import { requireAdmin } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { readJson, readQuery, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store' };

/** GET /api/admin/bans?status=active|expired|lifted|all&action=&page=&limit= → {bans, pagination} (admins). */
const getHandler = route(async (request) => {
  const sql = getSql();
  await requireAdmin(request, { sql });
  return Response.json(await listBans(sql, readQuery(request, listBansQuerySchema)), { headers: NO_STORE });
});

/** POST /api/admin/bans {action: ban|hide, node | cidr | asn, reason, expiresAt?} → 201 {ban, affectedNodes} (audited). */
const postHandler = route(async (request) => {
  const sql = getSql();
  const admin = await requireAdmin(request, { sql });
  const input = await readJson(request, createBanSchema);
  return Response.json(await createBan(sql, admin.id, input), { status: 201, headers: NO_STORE });
});

/** DELETE /api/admin/bans {id} lifts an active entry → {ban, affectedNodes} (audited); 404 when none is active. */
const deleteHandler = route(async (request) => {
  const sql = getSql();
  const admin = await requireAdmin(request, { sql });
  const { id } = await readJson(request, liftBanSchema);
  return Response.json(await liftBan(sql, admin.id, id), { headers: NO_STORE });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler, POST: postHandler, DELETE: deleteHandler });
