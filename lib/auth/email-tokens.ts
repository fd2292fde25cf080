import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../db/client';

/**
 * Single-use, expiring tokens sent by email (password reset, email verification). The
 * token (32 random bytes, base64url) is only in the link; the database keeps its sha256.
 * A new token of a purpose voids the user's older unused ones; using one is one atomic
 * update, so it works once even when two requests race.
 */
export type EmailTokenPurpose = 'password_reset' | 'email_verification';

export const EMAIL_TOKEN_TTL_MINUTES: Record<EmailTokenPurpose, number> = { password_reset: 30, email_verification: 24 * 60 };

/** What a token looks like: 43 base64url characters. */
export const EMAIL_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const hashEmailToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function issueEmailToken(sql: Sql, userId: string, purpose: EmailTokenPurpose, email: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    await t`update auth_email_tokens set used_at = now() where user_id = ${userId} and purpose = ${purpose} and used_at is null`;
    await t`
      insert into auth_email_tokens (user_id, purpose, token_hash, email, expires_at)
      values (${userId}, ${purpose}, ${hashEmailToken(token)}, ${email}, now() + make_interval(mins => ${EMAIL_TOKEN_TTL_MINUTES[purpose]}))`;
  });
  return token;
}

/** Uses a token: its user and address when it is known, unused and unexpired; null otherwise. */
export async function consumeEmailToken(sql: Sql, purpose: EmailTokenPurpose, token: string): Promise<{ userId: string; email: string } | null> {
  if (!EMAIL_TOKEN_PATTERN.test(token)) return null;
  const [row] = await sql<{ user_id: string; email: string }[]>`
    update auth_email_tokens set used_at = now()
    where token_hash = ${hashEmailToken(token)} and purpose = ${purpose} and used_at is null and expires_at > now()
    returning user_id, email`;
  return row ? { userId: row.user_id, email: row.email } : null;
}

/** Voids every unused token of a purpose (after a password reset, all reset links die). */
export async function voidEmailTokens(sql: Sql, userId: string, purpose: EmailTokenPurpose): Promise<void> {
  await sql`update auth_email_tokens set used_at = now() where user_id = ${userId} and purpose = ${purpose} and used_at is null`;
}
