import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { csvResponse } from '@/lib/http/csv';
import { readQuery, route } from '@/lib/http/http-error';
import { myNodesCsv, myNodesQuerySchema } from '@/lib/nodes/portfolio';
import { listMyNodes } from '@/lib/nodes/register';

export const dynamic = 'force-dynamic';

/**
 * GET /api/my-nodes?status=&tier=&label=&format=: the caller's nodes, camelCase as in the spec
 * (id, ip, port, status, tier, pixScore, isVerified, …); `format=csv` downloads them.
 */
const getHandler = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const query = readQuery(request, myNodesQuerySchema);
  const nodes = await listMyNodes(sql, user.id, query);
  if (query.format === 'csv') return csvResponse(myNodesCsv(nodes), 'my-nodes.csv');
  return Response.json({ nodes });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler });
