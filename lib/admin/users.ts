import { z } from 'zod';
import type { Sql } from '../db/client';
import { badRequest, notFound } from '../http/http-error';
import { revokeAllSessions } from '../auth/revocation';
import { audit } from './audit';

export const listUsersQuerySchema = z
  .object({
    q: z.string().trim().min(1).max(254).optional(),
    banned: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  });

export async function listUsers(sql: Sql, query: z.infer<typeof listUsersQuerySchema>) {
  const pattern = query.q ? `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const banned = query.banned === undefined ? null : query.banned === 'true';
  const rows = await sql`
    select p.id, p.email, p.display_name, p.role, p.banned_at, p.ban_reason, p.created_at, p.last_sign_in_at,
      (select count(*)::int from user_nodes un where un.user_id = p.id) as node_count,
      (select count(*)::int from api_keys k where k.user_id = p.id and k.revoked_at is null) as active_key_count,
      count(*) over ()::int as total
    from profiles p
    where (${pattern}::text is null or p.email like ${pattern}::text)
      and (${banned}::boolean is null or (p.banned_at is not null) = ${banned}::boolean)
    order by p.created_at desc, p.id
    limit ${query.limit} offset ${query.offset}`;
  const total = (rows[0]?.total as number | undefined) ?? 0;
  return { users: rows.map(({ total: _total, ...row }) => row), total, limit: query.limit, offset: query.offset };
}

export const updateUserSchema = z
  .object({
    user_id: z.uuid(),
    banned: z.boolean().optional(),
    reason: z.string().trim().min(1).max(500).optional(),
    role: z.enum(['user', 'admin']).optional(),
  })
  .strict()
  .refine((input) => input.banned !== undefined || input.role !== undefined, 'give banned and/or role')
  .refine((input) => input.banned !== true || input.reason !== undefined, { message: 'a reason is required to ban', path: ['reason'] });

/**
 * Bans/unbans or changes a user's role; audited. A banned user's sessions get 403 from
 * requireUser and their API keys stop working (the public API checks profiles.banned_at).
 */
export async function updateUser(sql: Sql, adminId: string, input: z.infer<typeof updateUserSchema>) {
  if (input.user_id === adminId) throw badRequest('Admins cannot ban or demote themselves.');
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [before] = await t<{ id: string; banned_at: Date | null; role: string }[]>`
      select id, banned_at, role from profiles where id = ${input.user_id} for update`;
    if (!before) throw notFound('User');
    if (input.banned !== undefined) {
      await t`
        update profiles set banned_at = ${input.banned ? (before.banned_at ?? new Date()) : null},
          ban_reason = ${input.banned ? input.reason! : null}, updated_at = now()
        where id = ${input.user_id}`;
      if (input.banned) await revokeAllSessions(t, input.user_id); // a ban ends every session at once
      await audit(t, adminId, input.banned ? 'user.ban' : 'user.unban', { type: 'profile', id: input.user_id }, { reason: input.reason ?? null });
    }
    if (input.role !== undefined && input.role !== before.role) {
      await t`update profiles set role = ${input.role}, updated_at = now() where id = ${input.user_id}`;
      await audit(t, adminId, 'user.role', { type: 'profile', id: input.user_id }, { from: before.role, to: input.role });
    }
    const [after] = await t`
      select id, email, display_name, role, banned_at, ban_reason, created_at, last_sign_in_at from profiles where id = ${input.user_id}`;
    return after!;
  });
}
