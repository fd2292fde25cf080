import { moderationQuerySchema } from '@/lib/api/schemas';
import { requireAdmin } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { readQuery, route } from '@/lib/http/http-error';
import { moderationQueue } from '@/lib/verification/service';

export const dynamic = 'force-dynamic';

/** GET /api/admin/moderation?status=needs_review&limit=: the verification review queue (admins). */
export const GET = route(async (request) => {
  const sql = getSql();
  await requireAdmin(request, { sql });
  const query = readQuery(request, moderationQuerySchema);
  return Response.json({ queue: await moderationQueue(sql, query) }, { headers: { 'Cache-Control': 'no-store' } });
});
