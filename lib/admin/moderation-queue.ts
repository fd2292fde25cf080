import type { Sql } from '../db/client';
import { decideProfileChange, flagProfileChange, isProfileChange, profileQueueItems } from '../profiles/moderation';
import { decideVerification, flagVerification, verificationQueueItems } from '../verification/service';
import { MODERATION_ITEM_TYPES, type AdminModerationQuery } from './moderation-query';

export { adminModerationQuerySchema } from './moderation-query';

/**
 * The admin moderation queue (GET/POST /api/admin/moderation, the spec's "pending
 * verifications, profile changes, avatars"): verifications, operator profile changes and
 * avatars, oldest first, in one paged list. `type` narrows it to one kind of item.
 */

export async function adminModerationQueue(sql: Sql, options: AdminModerationQuery) {
  const wants = (type: (typeof MODERATION_ITEM_TYPES)[number]) => options.type === undefined || options.type === type;
  // Profile changes wait as 'needs_review'; they are never 'pending' (that is an unchecked verification).
  const rows = await sql<{ kind: 'verification' | 'profile' | 'avatar'; id: string; total: number }[]>`
    select kind, id, count(*) over ()::int as total from (
      select 'verification' as kind, v.id, v.created_at from verifications v
      where ${wants('verification')} and v.status = ${options.status}
      union all
      select c.kind, c.id, c.created_at from node_profile_changes c
      where c.status = ${options.status} and (${options.type ?? null}::text is null or c.kind = ${options.type ?? null}::text)
    ) queue
    order by created_at, id
    limit ${options.limit} offset ${(options.page - 1) * options.limit}`;
  let total = rows[0]?.total;
  if (total === undefined) {
    [{ total } = { total: 0 }] = await sql<{ total: number }[]>`
      select (select count(*) from verifications where ${wants('verification')} and status = ${options.status})::int
        + (select count(*) from node_profile_changes where status = ${options.status}
             and (${options.type ?? null}::text is null or kind = ${options.type ?? null}::text))::int as total`;
  }
  const verificationIds = rows.filter((row) => row.kind === 'verification').map((row) => row.id);
  const changeIds = rows.filter((row) => row.kind !== 'verification').map((row) => row.id);
  const [verifications, changes] = await Promise.all([verificationQueueItems(sql, verificationIds), profileQueueItems(sql, changeIds)]);
  const byId = new Map<string, (typeof verifications)[number] | (typeof changes)[number]>([...verifications, ...changes].map((item) => [item.id, item]));
  return {
    items: rows.flatMap((row) => (byId.has(row.id) ? [byId.get(row.id)!] : [])),
    pagination: { page: options.page, limit: options.limit, total, pages: Math.ceil(total / options.limit) },
  };
}

/** POST /api/admin/moderation {itemId, action, notes}: the item is a verification or a profile change. */
export async function reviewModerationItem(sql: Sql, adminId: string, input: { itemId: string; action: 'approve' | 'reject' | 'flag'; notes?: string | null }) {
  const notes = input.notes ?? null;
  if (await isProfileChange(sql, input.itemId)) {
    return input.action === 'flag'
      ? flagProfileChange(sql, adminId, input.itemId, notes)
      : decideProfileChange(sql, adminId, input.itemId, { action: input.action, notes });
  }
  return input.action === 'flag'
    ? flagVerification(sql, adminId, input.itemId, notes)
    : decideVerification(sql, adminId, input.itemId, { action: input.action, reason: input.action === 'reject' ? (notes ?? undefined) : undefined, notes });
}
