import { audit } from '../admin/audit';
import { moderationItemBase } from '../admin/moderation-item';
import type { Sql } from '../db/client';
import { conflict, notFound } from '../http/http-error';
import { removeStoredAvatars } from './avatar-store';
import { avatarUrl } from './avatar-url';
import { PROFILE_TEXT_FIELDS, type ProfileText } from './fields';
import { liveProfile } from './service';

/**
 * Profile changes in the admin moderation queue (GET/POST /api/admin/moderation):
 * item_type 'profile' (display name, description, links) or 'avatar' (a new image or its
 * removal). Approving writes the change into node_profiles; rejecting leaves the live
 * profile as it was.
 */

interface QueueRow {
  id: string; node_id: string; kind: 'profile' | 'avatar'; status: string; fields: ProfileText | null; flagged_at: Date | null;
  review_notes: string | null; created_at: Date; user_id: string; user_email: string; ip: string; port: number; country_name: string | null;
  avatar_sha256: string | null; width: number | null; height: number | null; byte_size: number | null;
}

/** Queue items (the spec's shape plus profile_info / avatar_info) of the given changes, in the order of `ids`. */
export async function profileQueueItems(sql: Sql, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await sql<QueueRow[]>`
    select c.id, c.node_id::text as node_id, c.kind, c.status, c.fields, c.flagged_at, c.review_notes, c.created_at,
      c.user_id, u.email as user_email, n.ip, n.port, n.country_name, a.sha256 as avatar_sha256, a.width, a.height, a.byte_size
    from node_profile_changes c join nodes n on n.id = c.node_id join profiles u on u.id = c.user_id
      left join profile_avatars a on a.id = c.avatar_id
    where c.id = any(${ids}::uuid[])`;
  const live = new Map(await Promise.all([...new Set(rows.map((row) => row.node_id))].map(async (id) => [id, await liveProfile(sql, id)] as const)));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const current = live.get(row.node_id) ?? null;
    return [{
      ...moderationItemBase(row, row.kind),
      // The spec's item shape holds for every kind: no verification here.
      verification_info: null,
      ...(row.kind === 'profile'
        ? { profile_info: { ...row.fields!, current: current ? Object.fromEntries(PROFILE_TEXT_FIELDS.map((field) => [field, current[field]])) : null } }
        : {
            avatar_info: {
              avatarUrl: avatarUrl(row.avatar_sha256),
              width: row.width,
              height: row.height,
              bytes: row.byte_size,
              remove: row.avatar_sha256 === null,
              currentAvatarUrl: current?.avatarUrl ?? null,
            },
          }),
      node_id: row.node_id,
      flagged: row.flagged_at !== null,
      notes: row.review_notes,
    }];
  });
}

export async function isProfileChange(sql: Sql, id: string): Promise<boolean> {
  const [row] = await sql`select 1 from node_profile_changes where id = ${id}`;
  return row !== undefined;
}

async function lockOpenChange(t: Sql, id: string) {
  const [row] = await t<{ id: string; node_id: string; user_id: string; kind: 'profile' | 'avatar'; status: string; fields: ProfileText | null; avatar_id: string | null }[]>`
    select id, node_id::text as node_id, user_id, kind, status, fields, avatar_id from node_profile_changes where id = ${id} for update`;
  if (!row) throw notFound('Moderation item');
  if (row.status !== 'needs_review') throw conflict(`This profile change is already ${row.status}.`);
  return row;
}

/** Approves (the change goes live) or rejects a profile or avatar change; audited. */
export async function decideProfileChange(sql: Sql, adminId: string, id: string, decision: { action: 'approve' | 'reject'; notes?: string | null }) {
  let pruned: string[] = [];
  const result = await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const change = await lockOpenChange(t, id);
    const status = decision.action === 'approve' ? 'approved' : 'rejected';
    await t`
      update node_profile_changes set status = ${status}, decided_at = now(), decided_by = ${adminId},
        reason = ${decision.action === 'reject' ? (decision.notes?.slice(0, 500) ?? 'Rejected by a moderator.') : null},
        review_notes = coalesce(${decision.notes ?? null}, review_notes)
      where id = ${id}`;
    if (status === 'approved') {
      if (change.kind === 'profile') {
        const f = change.fields!;
        await t`
          insert into node_profiles (node_id, display_name, description, website, x, github, discord, telegram, nostr, updated_by, approved_by, approved_at)
          values (${change.node_id}, ${f.displayName}, ${f.description}, ${f.website}, ${f.x}, ${f.github}, ${f.discord}, ${f.telegram}, ${f.nostr},
            ${change.user_id}, ${adminId}, now())
          on conflict (node_id) do update set display_name = excluded.display_name, description = excluded.description, website = excluded.website,
            x = excluded.x, github = excluded.github, discord = excluded.discord, telegram = excluded.telegram, nostr = excluded.nostr,
            updated_by = excluded.updated_by, approved_by = excluded.approved_by, approved_at = now()`;
      } else {
        await t`
          insert into node_profiles (node_id, avatar_id, updated_by, approved_by, approved_at)
          values (${change.node_id}, ${change.avatar_id}, ${change.user_id}, ${adminId}, now())
          on conflict (node_id) do update set avatar_id = excluded.avatar_id, updated_by = excluded.updated_by,
            approved_by = excluded.approved_by, approved_at = now()`;
      }
      // A profile with nothing left in it is no profile.
      await t`
        delete from node_profiles where node_id = ${change.node_id} and avatar_id is null and display_name is null and description is null
          and website is null and x is null and github is null and discord is null and telegram is null and nostr is null`;
    }
    pruned = await pruneUnusedAvatars(t);
    await audit(t, adminId, `profile.${decision.action}`, { type: `profile_${change.kind}`, id }, { node_id: change.node_id, notes: decision.notes ?? null });
    const [updated] = await t<{ id: string; node_id: string; kind: string; status: string; decided_at: Date }[]>`
      select id, node_id::text as node_id, kind, status, decided_at from node_profile_changes where id = ${id}`;
    return { ...updated!, item_type: change.kind };
  });
  // Objects of pruned avatars in Supabase Storage go once the rows are gone.
  if (pruned.length) await removeStoredAvatars(pruned).catch((error) => console.error('[profiles] removing pruned avatars failed:', (error as Error).message));
  return result;
}

/**
 * Deletes stored avatars that no live profile shows and no waiting change offers, once they
 * are a week old (a moderator can still open a just-rejected one meanwhile).
 */
export async function pruneUnusedAvatars(sql: Sql): Promise<string[]> {
  const rows = await sql<{ storage_path: string | null }[]>`
    delete from profile_avatars a
    where a.created_at < now() - interval '7 days'
      and not exists (select 1 from node_profiles p where p.avatar_id = a.id)
      and not exists (select 1 from node_profile_changes c where c.avatar_id = a.id and c.status = 'needs_review')
    returning a.storage_path`;
  return rows.flatMap((row) => (row.storage_path ? [row.storage_path] : []));
}

/** Flags a waiting profile change for a second look (it stays in the queue); audited. */
export async function flagProfileChange(sql: Sql, adminId: string, id: string, notes: string | null) {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const change = await lockOpenChange(t, id);
    const [row] = await t<{ id: string; node_id: string; kind: string; status: string; flagged_at: Date }[]>`
      update node_profile_changes set flagged_at = coalesce(flagged_at, now()), review_notes = coalesce(${notes}, review_notes)
      where id = ${id} returning id, node_id::text as node_id, kind, status, flagged_at`;
    await audit(t, adminId, 'profile.flag', { type: `profile_${change.kind}`, id }, { node_id: change.node_id, notes });
    return { ...row!, item_type: change.kind };
  });
}
