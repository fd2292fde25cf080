import { z } from 'zod';
import { listAudit } from '@/lib/admin/audit';
import { requireAdmin } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { readQuery, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

const querySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z.coerce.number().int().positive().optional(),
    action: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

/** GET /api/admin/audit?limit=&before=&action=: newest first; pass next_before to page (admins). */
export const GET = route(async (request) => {
  const sql = getSql();
  await requireAdmin(request, { sql });
  return Response.json(await listAudit(sql, readQuery(request, querySchema)), { headers: { 'Cache-Control': 'no-store' } });
});
