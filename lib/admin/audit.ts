import type { Sql } from '../db/client';

/** Records an admin action; every admin endpoint calls this in the same transaction as the action. */
export async function audit(
  sql: Sql,
  actorId: string,
  action: string,
  target: { type: string; id: string | number } | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  await sql`
    insert into admin_audit_log (actor_id, action, target_type, target_id, details)
    values (${actorId}, ${action}, ${target?.type ?? null}, ${target ? String(target.id) : null}, ${JSON.stringify(details)}::text::jsonb)`;
}

/** Newest first, keyset-paged by id: pass the last id seen as `before`. */
export async function listAudit(sql: Sql, options: { limit: number; before?: number; action?: string }) {
  const rows = await sql<{ id: string; actor_id: string | null; actor_email: string | null; action: string; target_type: string | null; target_id: string | null; details: unknown; created_at: Date }[]>`
    select a.id::text as id, a.actor_id, p.email as actor_email, a.action, a.target_type, a.target_id, a.details, a.created_at
    from admin_audit_log a left join profiles p on p.id = a.actor_id
    where (${options.before ?? null}::bigint is null or a.id < ${options.before ?? null}::bigint)
      and (${options.action ?? null}::text is null or a.action = ${options.action ?? null}::text)
    order by a.id desc
    limit ${options.limit + 1}`;
  const page = rows.slice(0, options.limit);
  return { entries: page, next_before: rows.length > options.limit ? page.at(-1)!.id : null };
}
