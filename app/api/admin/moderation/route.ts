import { requireAdmin } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { readJson, readQuery, route } from '@/lib/http/http-error';
import {
  decideVerification,
  flagVerification,
  moderationQuerySchema,
  moderationQueue,
  moderationReviewSchema,
} from '@/lib/verification/service';

export const dynamic = 'force-dynamic';

/** GET /api/admin/moderation?status=&page=&limit=: the review queue → {items, pagination:{page, limit, total, pages}} (admins). */
const getHandler = route(async (request) => {
  const sql = getSql();
  await requireAdmin(request, { sql });
  return Response.json(await moderationQueue(sql, readQuery(request, moderationQuerySchema)));
});

/** POST /api/admin/moderation {itemId, action: approve|reject|flag, notes?} (admins; audited) → {success, item}. */
const postHandler = route(async (request) => {
  const sql = getSql();
  const admin = await requireAdmin(request, { sql });
  const { itemId, action, notes } = await readJson(request, moderationReviewSchema);
  const item =
    action === 'flag'
      ? await flagVerification(sql, admin.id, itemId, notes ?? null)
      : await decideVerification(sql, admin.id, itemId, { action, reason: action === 'reject' ? (notes ?? undefined) : undefined, notes: notes ?? null });
  return Response.json({ success: true, action, item });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler, POST: postHandler });
