import { z } from 'zod';
import { requireUser } from '@/lib/auth/session';
import { alertHistory } from '@/lib/alerts/subscriptions';
import { getSql } from '@/lib/db/client';
import { readQuery, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

const querySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z.coerce.number().int().positive().optional(),
    subscription_id: z.uuid().optional(),
  })
  .strict();

/** GET /api/alerts/history?limit=&before=&subscription_id=: the caller's alerts, newest first; page with next_before. */
export const GET = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  return Response.json(await alertHistory(sql, user.id, readQuery(request, querySchema)), { headers: { 'Cache-Control': 'no-store' } });
});
