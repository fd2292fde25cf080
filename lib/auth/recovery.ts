import { z } from 'zod';
import type { Sql } from '../db/client';
import { afterResponse } from '../http/after-response';
import { HttpError, tooManyRequests } from '../http/http-error';
import { accountEmailConfig, sendAccountEmail, type AccountEmailConfig, type AccountEmailKind } from './account-email';
import type { AuthConfig } from './config';
import { consumeEmailToken, EMAIL_TOKEN_PATTERN, issueEmailToken, voidEmailTokens } from './email-tokens';
import { assertLocalEnabled, limitAddress, session, type SessionResult } from './local';
import { hashPassword } from './passwords';
import { ensureProfile } from './profiles';
import { revokeAllSessions } from './revocation';
import { signInLimiter, SlidingWindowLimiter } from './sign-in-limiter';

/**
 * Password reset and email verification of local accounts (Supabase mode has its own).
 *
 * - A reset request answers the same whether or not the address has an account, and the
 *   email goes out after the answer, so neither the body nor the timing tells.
 * - Requests and token uses count against sign-in's per-address limit (50 per 15 minutes);
 *   each account gets at most 5 emails of a kind per hour (more are dropped silently for
 *   resets, refused with 429 for the signed-in verification request).
 * - A reset ends every session of the account, voids its other reset links, and signs the
 *   caller in; following the link also proves the address, so it counts as verified.
 */
export const emailTokenSchema = z.string().regex(EMAIL_TOKEN_PATTERN, 'the token from the email link');

export const resetRequestSchema = z.object({ email: z.email().max(254).transform((email) => email.trim().toLowerCase()) }).strict();
export const resetConfirmSchema = z
  .object({ token: emailTokenSchema, password: z.string().min(10, 'at least 10 characters').max(200) })
  .strict();
export const verifyConfirmSchema = z.object({ token: emailTokenSchema }).strict();

export const RESET_REQUEST_ANSWER = {
  success: true,
  message: 'If an account uses this address, a link to reset its password is on its way. It works once, for 30 minutes.',
};

/** Emails per account and kind: 5 per hour. */
export const accountEmailLimiter = new SlidingWindowLimiter(5, 60 * 60_000);

function requireEmail(mail: AccountEmailConfig | null): AccountEmailConfig {
  if (!mail) throw new HttpError(503, 'Email unavailable', 'This deployment cannot send email (RESEND_API_KEY and RESEND_FROM are not set); ask its operator.');
  return mail;
}

function sendLater(mail: AccountEmailConfig, kind: AccountEmailKind, to: string, token: string): void {
  afterResponse(async () => {
    const result = await sendAccountEmail(mail, kind, to, token);
    if (!result.ok) throw new Error(result.error);
  }, `${kind} email`);
}

const invalidLink = () => new HttpError(400, 'Invalid or expired link', 'This link is not valid any more (it works once and expires); ask for a new one.');

/** POST /api/auth/reset-password {email} in local mode. */
export async function requestPasswordReset(sql: Sql, config: AuthConfig, email: string, ip: string, mail = accountEmailConfig()): Promise<typeof RESET_REQUEST_ANSWER> {
  assertLocalEnabled(config);
  const settings = requireEmail(mail);
  limitAddress(ip);
  const [account] = await sql<{ id: string; banned: boolean }[]>`
    select p.id, p.banned_at is not null as banned from profiles p join local_credentials c on c.user_id = p.id where p.email = ${email}`;
  if (account && !account.banned && accountEmailLimiter.hit(`password_reset|${account.id}`).allowed) {
    // The token is issued after the answer too, so an existing account costs the request no extra time.
    afterResponse(async () => {
      const token = await issueEmailToken(sql, account.id, 'password_reset', email);
      const result = await sendAccountEmail(settings, 'password_reset', email, token);
      if (!result.ok) throw new Error(result.error);
    }, 'password_reset email');
  }
  return RESET_REQUEST_ANSWER;
}

/** POST /api/auth/reset-password/confirm {token, password}: sets the password, ends every session, signs in. */
export async function confirmPasswordReset(sql: Sql, config: AuthConfig, input: z.infer<typeof resetConfirmSchema>, ip: string): Promise<SessionResult> {
  assertLocalEnabled(config);
  limitAddress(ip);
  const used = await consumeEmailToken(sql, 'password_reset', input.token);
  if (!used) throw invalidLink();
  const passwordHash = await hashPassword(input.password);
  const profile = await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [row] = await t<{ id: string; email: string; banned: boolean }[]>`
      select id, email, banned_at is not null as banned from profiles where id = ${used.userId} for update`;
    // The link was sent to an address the account no longer has: it proves nothing now.
    if (!row || row.email !== used.email) throw invalidLink();
    if (row.banned) throw new HttpError(403, 'Forbidden', 'This account is banned.');
    const updated = await t`update local_credentials set password_hash = ${passwordHash}, updated_at = now() where user_id = ${row.id} returning user_id`;
    if (updated.length === 0) throw invalidLink();
    await revokeAllSessions(t, row.id);
    await voidEmailTokens(t, row.id, 'password_reset');
    await t`update profiles set email_verified_at = coalesce(email_verified_at, now()), last_sign_in_at = now() where id = ${row.id}`;
    return row;
  });
  signInLimiter.perAccountAddress.clear(`${profile.email}|${ip}`);
  return session(sql, config, await ensureProfile(sql, { userId: profile.id, email: profile.email }, config.adminEmails));
}

/** POST /api/auth/verify-email (signed in): emails a verification link to the account's address. */
export async function requestEmailVerification(sql: Sql, config: AuthConfig, user: { id: string; email: string }, ip: string, mail = accountEmailConfig()) {
  assertLocalEnabled(config);
  const settings = requireEmail(mail);
  limitAddress(ip);
  const [row] = await sql<{ verified: boolean }[]>`select email_verified_at is not null as verified from profiles where id = ${user.id}`;
  if (row?.verified) throw new HttpError(409, 'Conflict', 'This email address is already verified.');
  const limit = accountEmailLimiter.hit(`email_verification|${user.id}`);
  if (!limit.allowed) throw tooManyRequests('Too many verification emails for this account; try again later.', limit.retryAfterSeconds);
  const token = await issueEmailToken(sql, user.id, 'email_verification', user.email);
  sendLater(settings, 'email_verification', user.email, token);
  return { success: true, message: `A verification link is on its way to ${user.email}. It works once, for 24 hours.` };
}

/** Sends the first verification email after a local sign-up, when email is configured (never fails the sign-up). */
export async function sendSignUpVerification(sql: Sql, user: { id: string; email: string }, mail = accountEmailConfig()): Promise<void> {
  if (!mail) return;
  accountEmailLimiter.hit(`email_verification|${user.id}`);
  const token = await issueEmailToken(sql, user.id, 'email_verification', user.email);
  sendLater(mail, 'email_verification', user.email, token);
}

/** POST /api/auth/verify-email/confirm {token}: marks the address verified (no session needed). */
export async function confirmEmailVerification(sql: Sql, config: AuthConfig, token: string, ip: string) {
  assertLocalEnabled(config);
  limitAddress(ip);
  const used = await consumeEmailToken(sql, 'email_verification', token);
  if (!used) throw invalidLink();
  const [row] = await sql<{ email: string; email_verified_at: Date }[]>`
    update profiles set email_verified_at = coalesce(email_verified_at, now()), updated_at = now()
    where id = ${used.userId} and email = ${used.email}
    returning email, email_verified_at`;
  if (!row) throw invalidLink();
  return { success: true, message: `${row.email} is verified.`, email: row.email, email_verified_at: row.email_verified_at.toISOString() };
}
