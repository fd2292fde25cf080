import { alertHistory, alertHistoryQuerySchema } from '@/lib/alerts/subscriptions';
import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { readQuery, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

/** GET /api/alerts/history?limit=&offset=&subscription_id=: the caller's alerts, newest first → {history, pagination}. */
const getHandler = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  return Response.json(await alertHistory(sql, user.id, readQuery(request, alertHistoryQuerySchema)));
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler });
