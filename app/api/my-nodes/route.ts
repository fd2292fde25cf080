import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { route } from '@/lib/http/http-error';
import { listMyNodes } from '@/lib/nodes/register';

export const dynamic = 'force-dynamic';

/** GET /api/my-nodes: the caller's registered nodes with status and metrics. */
export const GET = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  return Response.json({ nodes: await listMyNodes(sql, user.id) }, { headers: { 'Cache-Control': 'no-store' } });
});
