import { requireAdmin } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { readJson, readQuery, route } from '@/lib/http/http-error';
import { adminModerationQuerySchema, adminModerationQueue, reviewModerationItem } from '@/lib/admin/moderation-queue';
import { moderationReviewSchema } from '@/lib/verification/service';

export const dynamic = 'force-dynamic';

/** GET /api/admin/moderation?status=&type=&page=&limit=: verifications, profile changes and avatars to review → {items, pagination:{page, limit, total, pages}} (admins). */
const getHandler = route(async (request) => {
  const sql = getSql();
  await requireAdmin(request, { sql });
  return Response.json(await adminModerationQueue(sql, readQuery(request, adminModerationQuerySchema)));
});

/** POST /api/admin/moderation {itemId, action: approve|reject|flag, notes?} (admins; audited) → {success, action, item}. */
const postHandler = route(async (request) => {
  const sql = getSql();
  const admin = await requireAdmin(request, { sql });
  const input = await readJson(request, moderationReviewSchema);
  const item = await reviewModerationItem(sql, admin.id, input);
  return Response.json({ success: true, action: input.action, item });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler, POST: postHandler });
