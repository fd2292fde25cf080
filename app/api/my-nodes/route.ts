import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { route } from '@/lib/http/http-error';
import { listMyNodes } from '@/lib/nodes/register';

export const dynamic = 'force-dynamic';

/** GET /api/my-nodes: the caller's nodes, camelCase as in the spec (id, ip, port, status, tier, pixScore, isVerified, …). */
const getHandler = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  return Response.json({ nodes: await listMyNodes(sql, user.id) });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler });
