import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { accountPreflight, route } from '@/lib/http/http-error';
import { listMyNodes } from '@/lib/nodes/register';

export const dynamic = 'force-dynamic';

/** GET /api/my-nodes: the caller's nodes, camelCase as in the spec (id, ip, port, status, tier, pixScore, isVerified, …). */
export const GET = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  return Response.json({ nodes: await listMyNodes(sql, user.id) });
});

export const OPTIONS = accountPreflight;
