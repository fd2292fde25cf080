import { z } from 'zod';
import { requireAdmin } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { parseId, readJson, route } from '@/lib/http/http-error';
import { decideVerification, moderationDecisionSchema } from '@/lib/verification/service';

export const dynamic = 'force-dynamic';

/** POST /api/admin/moderation/[id] {action: approve|reject, reason?} (admins; audited). */
const postHandler = route<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const sql = getSql();
  const admin = await requireAdmin(request, { sql });
  const id = parseId((await params).id, z.uuid(), 'Verification');
  const decision = await readJson(request, moderationDecisionSchema);
  return Response.json({ verification: await decideVerification(sql, admin.id, id, decision) });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
