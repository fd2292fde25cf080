import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { csvResponse } from '@/lib/http/csv';
import { readQuery, route } from '@/lib/http/http-error';
import { listMyIncidents, myIncidentsCsv, myIncidentsQuerySchema } from '@/lib/nodes/portfolio';

export const dynamic = 'force-dynamic';

/**
 * GET /api/my-nodes/incidents?page=&rows=&nid=&type=&status=&format=: downtimes and exceptions of
 * all the caller's nodes, newest first, in Horizen's paged envelope {page, total, rowsperpage,
 * records, rows}; `format=csv` downloads every matching row (up to 10,000).
 */
const getHandler = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const query = readQuery(request, myIncidentsQuerySchema);
  if (query.format === 'csv') return csvResponse(await myIncidentsCsv(sql, user.id, query), 'my-nodes-incidents.csv');
  return Response.json(await listMyIncidents(sql, user.id, query));
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler });
