import { alertHistory } from '@/lib/alerts/subscriptions';
import { alertHistoryQuerySchema } from '@/lib/api/schemas';
import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { readQuery, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

/** GET /api/alerts/history?limit=&before=&subscription_id=: the caller's alerts, newest first; page with next_before. */
export const GET = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  return Response.json(await alertHistory(sql, user.id, readQuery(request, alertHistoryQuerySchema)), { headers: { 'Cache-Control': 'no-store' } });
});
