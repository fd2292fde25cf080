import type { Sql } from '../db/client';

/**
 * Server-side session state, so a session can end before its token expires.
 * Local tokens name a row of auth_sessions (`sid`); Supabase tokens are checked against
 * profiles.sessions_valid_after (tokens issued before it are refused).
 */

export async function createSession(sql: Sql, userId: string, expiresAt: Date): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into auth_sessions (user_id, expires_at) values (${userId}, ${expiresAt}) returning id`;
  // Rows of sessions that ended over a day ago serve no purpose; keep the user's list short.
  await sql`
    delete from auth_sessions
    where user_id = ${userId} and (expires_at < now() - interval '1 day' or revoked_at < now() - interval '1 day')`;
  return row!.id;
}

/** Ends one session (sign-out). */
export async function revokeSession(sql: Sql, sessionId: string): Promise<void> {
  await sql`update auth_sessions set revoked_at = now() where id = ${sessionId} and revoked_at is null`;
}

/** Ends every session of a user (password change, ban, "sign out everywhere"); returns how many local ones. */
export async function revokeAllSessions(sql: Sql, userId: string): Promise<number> {
  const rows = await sql`
    update auth_sessions set revoked_at = now() where user_id = ${userId} and revoked_at is null returning id`;
  await sql`update profiles set sessions_valid_after = now() where id = ${userId}`;
  return rows.length;
}

/** Whether a local session row is live. */
export async function localSessionIsActive(sql: Sql, sessionId: string, userId: string): Promise<boolean> {
  const [row] = await sql<{ ok: boolean }[]>`
    select revoked_at is null and expires_at > now() as ok from auth_sessions where id = ${sessionId} and user_id = ${userId}`;
  return row?.ok === true;
}

/** Whether a token issued at `issuedAt` (unix seconds) predates the user's last "sign out everywhere". */
export async function issuedBeforeRevocation(sql: Sql, userId: string, issuedAt: number): Promise<boolean> {
  const [row] = await sql<{ after: Date | null }[]>`select sessions_valid_after as after from profiles where id = ${userId}`;
  if (!row?.after) return false;
  return issuedAt < Math.floor(row.after.getTime() / 1000);
}
