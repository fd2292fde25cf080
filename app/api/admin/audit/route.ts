import { listAudit } from '@/lib/admin/audit';
import { auditQuerySchema } from '@/lib/api/schemas';
import { requireAdmin } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { readQuery, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

/** GET /api/admin/audit?limit=&before=&action=: newest first; pass next_before to page (admins). */
const getHandler = route(async (request) => {
  const sql = getSql();
  await requireAdmin(request, { sql });
  return Response.json(await listAudit(sql, readQuery(request, auditQuerySchema)), { headers: { 'Cache-Control': 'no-store' } });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler });
