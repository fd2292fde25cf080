import { z } from 'zod';
import { requireAdmin } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { readQuery, route } from '@/lib/http/http-error';
import { moderationQueue } from '@/lib/verification/service';

export const dynamic = 'force-dynamic';

const querySchema = z
  .object({ status: z.enum(['needs_review', 'pending']).default('needs_review'), limit: z.coerce.number().int().min(1).max(200).default(50) })
  .strict();

/** GET /api/admin/moderation?status=needs_review&limit=: the verification review queue (admins). */
export const GET = route(async (request) => {
  const sql = getSql();
  await requireAdmin(request, { sql });
  const query = readQuery(request, querySchema);
  return Response.json({ queue: await moderationQueue(sql, query) }, { headers: { 'Cache-Control': 'no-store' } });
});
