import { z } from 'zod';
import type { Sql } from '../db/client';
import { requestIsHttps } from '../http/client-ip';
import { HttpError, tooManyRequests } from '../http/http-error';
import { SESSION_COOKIE, type AuthConfig } from './config';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { ensureProfile, publicProfile, type Profile } from './profiles';
import { signInLimiter } from './sign-in-limiter';
import { revokeAllSessions } from './revocation';
import { signLocalToken } from './tokens';

export const credentialsSchema = z
  .object({
    email: z.email().max(254).transform((email) => email.trim().toLowerCase()),
    password: z.string().min(10, 'at least 10 characters').max(200),
  })
  .strict();
export const signUpSchema = credentialsSchema.extend({ display_name: z.string().trim().min(1).max(80).optional() }).strict();

export type Credentials = z.infer<typeof credentialsSchema>;

export function assertLocalEnabled(config: AuthConfig): void {
  if (!config.localEnabled) {
    throw new HttpError(
      403,
      'Local sign-in disabled',
      config.supabase ? 'This deployment signs in with Supabase Auth.' : 'Local sign-in is turned off (AUTH_LOCAL=false).',
    );
  }
}

export function limitAddress(ip: string): void {
  const perIp = signInLimiter.perIp.hit(ip);
  if (!perIp.allowed) throw tooManyRequests('Too many sign-in attempts from this address; try again later.', perIp.retryAfterSeconds);
}

/**
 * Checks the sign-in limits for one password attempt, runs it, and records the outcome:
 * per address, per (account, address) with exponential delay, and the per-account ceiling
 * for addresses that never signed in to the account (see sign-in-limiter.ts).
 */
async function throttledPasswordCheck(email: string, ip: string, check: () => Promise<boolean>): Promise<boolean> {
  limitAddress(ip);
  const pair = `${email}|${ip}`;
  const backoff = signInLimiter.perAccountAddress.check(pair);
  if (!backoff.allowed) throw tooManyRequests('Too many wrong passwords for this account from this address; wait before trying again.', backoff.retryAfterSeconds);
  const known = signInLimiter.knownAddresses.has(pair);
  if (!known) {
    const ceiling = signInLimiter.accountCeiling.peek(email);
    if (!ceiling.allowed) {
      throw tooManyRequests('Too many wrong passwords for this account; sign in from an address you used before, or try again later.', ceiling.retryAfterSeconds);
    }
  }
  const ok = await check();
  if (ok) {
    signInLimiter.perAccountAddress.clear(pair);
    signInLimiter.knownAddresses.add(pair);
  } else {
    signInLimiter.perAccountAddress.fail(pair);
    if (!known) signInLimiter.accountCeiling.hit(email);
  }
  return ok;
}

export interface SessionResult {
  profile: ReturnType<typeof publicProfile>;
  token: string;
  expiresAt: Date;
}

export async function session(sql: Sql, config: AuthConfig, profile: Profile): Promise<SessionResult> {
  const { token, expiresAt } = await signLocalToken(sql, config, profile);
  return { profile: publicProfile(profile), token, expiresAt };
}

export async function signUp(
  sql: Sql,
  config: AuthConfig,
  input: z.infer<typeof signUpSchema>,
  ip: string,
): Promise<SessionResult> {
  assertLocalEnabled(config);
  limitAddress(ip);
  const passwordHash = await hashPassword(input.password);
  const created = await sql.begin(async (tx) => {
    const [row] = await tx<{ id: string }[]>`
      insert into profiles (email, display_name, last_sign_in_at) values (${input.email}, ${input.display_name ?? null}, now())
      on conflict (email) do nothing returning id`;
    if (!row) return undefined;
    await tx`insert into local_credentials (user_id, password_hash) values (${row.id}, ${passwordHash})`;
    return row;
  });
  if (!created) throw new HttpError(409, 'Conflict', 'An account with this email already exists.');
  const profile = await ensureProfile(sql, { userId: created.id, email: input.email }, config.adminEmails);
  return session(sql, config, profile);
}

export async function signIn(sql: Sql, config: AuthConfig, input: Credentials, ip: string): Promise<SessionResult> {
  assertLocalEnabled(config);
  const [row] = await sql<{ id: string; password_hash: string }[]>`
    select p.id, c.password_hash from profiles p join local_credentials c on c.user_id = p.id where p.email = ${input.email}`;
  const ok = await throttledPasswordCheck(input.email, ip, async () =>
    (await verifyPassword(input.password, row?.password_hash ?? (await dummyPasswordHash()))) && row !== undefined,
  );
  if (!row || !ok) throw new HttpError(401, 'Unauthorized', 'The email or password is wrong.');
  await sql`update profiles set last_sign_in_at = now() where id = ${row.id}`;
  const profile = await ensureProfile(sql, { userId: row.id, email: input.email }, config.adminEmails);
  if (profile.banned_at) throw new HttpError(403, 'Forbidden', `This account is banned${profile.ban_reason ? `: ${profile.ban_reason}` : '.'}`);
  return session(sql, config, profile);
}

export const passwordChangeSchema = z
  .object({
    current_password: z.string().min(1).max(200),
    new_password: z.string().min(10, 'at least 10 characters').max(200),
  })
  .strict();

/**
 * Changes a local account's password after checking the current one (throttled like
 * sign-in), ends every session of the account, and opens a new one for the caller.
 */
export async function changePassword(
  sql: Sql,
  config: AuthConfig,
  user: { id: string; email: string },
  input: z.infer<typeof passwordChangeSchema>,
  ip: string,
): Promise<SessionResult> {
  assertLocalEnabled(config);
  const [row] = await sql<{ password_hash: string }[]>`select password_hash from local_credentials where user_id = ${user.id}`;
  if (!row) throw new HttpError(409, 'Conflict', 'This account has no local password.');
  const ok = await throttledPasswordCheck(user.email, ip, () => verifyPassword(input.current_password, row.password_hash));
  if (!ok) throw new HttpError(403, 'Forbidden', 'The current password is wrong.');
  const passwordHash = await hashPassword(input.new_password);
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    await t`update local_credentials set password_hash = ${passwordHash} where user_id = ${user.id}`;
    await revokeAllSessions(t, user.id);
  });
  const profile = await ensureProfile(sql, { userId: user.id, email: user.email }, config.adminEmails);
  return session(sql, config, profile);
}

/**
 * The session cookie. `Secure` follows the request's scheme (a trusted proxy's
 * X-Forwarded-Proto included): a browser drops a Secure cookie set over plain http.
 */
export function sessionCookie(config: AuthConfig, token: string, maxAgeSeconds: number, secure = config.secureCookies): string {
  return [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`, ...(secure ? ['Secure'] : [])].join('; ');
}

export function clearSessionCookie(config: AuthConfig, request?: Request): string {
  return sessionCookie(config, '', 0, request ? requestIsHttps(request) : config.secureCookies);
}

/**
 * The JSON answer of sign-up/sign-in: the profile and token, with the session cookie set.
 * `cookie.secure` says whether the cookie needs https; the dashboard checks it was kept.
 */
export function sessionResponse(config: AuthConfig, result: SessionResult, status = 200, request?: Request): Response {
  const secure = request ? requestIsHttps(request) : config.secureCookies;
  return Response.json(
    { user: result.profile, token: result.token, expires_at: result.expiresAt, cookie: { name: SESSION_COOKIE, secure } },
    { status, headers: { 'Set-Cookie': sessionCookie(config, result.token, config.sessionTtlSeconds, secure), 'Cache-Control': 'no-store' } },
  );
}
