import { z } from 'zod';
import type { Sql } from '../db/client';
import { HttpError, tooManyRequests } from '../http/http-error';
import { SESSION_COOKIE, type AuthConfig } from './config';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { ensureProfile, publicProfile, type Profile } from './profiles';
import { signInLimiter } from './sign-in-limiter';
import { signLocalToken } from './tokens';

export const credentialsSchema = z
  .object({
    email: z.email().max(254).transform((email) => email.trim().toLowerCase()),
    password: z.string().min(10, 'at least 10 characters').max(200),
  })
  .strict();
export const signUpSchema = credentialsSchema.extend({ display_name: z.string().trim().min(1).max(80).optional() }).strict();

export type Credentials = z.infer<typeof credentialsSchema>;

function assertLocalEnabled(config: AuthConfig): void {
  if (!config.localEnabled) {
    throw new HttpError(
      403,
      'Local sign-in disabled',
      config.supabase ? 'This deployment signs in with Supabase Auth.' : 'Local sign-in is turned off (AUTH_LOCAL=false).',
    );
  }
}

function limit(ip: string, email: string): void {
  const perIp = signInLimiter.perIp.hit(ip);
  if (!perIp.allowed) throw tooManyRequests('Too many sign-in attempts from this address; try again later.', perIp.retryAfterSeconds);
  const perAccount = signInLimiter.perAccount.hit(`${ip}|${email}`);
  if (!perAccount.allowed) throw tooManyRequests('Too many sign-in attempts for this account; try again later.', perAccount.retryAfterSeconds);
  const perEmail = signInLimiter.perEmail.hit(email);
  if (!perEmail.allowed) throw tooManyRequests('Too many sign-in attempts for this account; try again later.', perEmail.retryAfterSeconds);
}

export interface SessionResult {
  profile: ReturnType<typeof publicProfile>;
  token: string;
  expiresAt: Date;
}

async function session(sql: Sql, config: AuthConfig, profile: Profile): Promise<SessionResult> {
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
  limit(ip, input.email);
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
  limit(ip, input.email);
  const [row] = await sql<{ id: string; password_hash: string }[]>`
    select p.id, c.password_hash from profiles p join local_credentials c on c.user_id = p.id where p.email = ${input.email}`;
  const ok = await verifyPassword(input.password, row?.password_hash ?? (await dummyPasswordHash()));
  if (!row || !ok) throw new HttpError(401, 'Unauthorized', 'The email or password is wrong.');
  await sql`update profiles set last_sign_in_at = now() where id = ${row.id}`;
  const profile = await ensureProfile(sql, { userId: row.id, email: input.email }, config.adminEmails);
  if (profile.banned_at) throw new HttpError(403, 'Forbidden', `This account is banned${profile.ban_reason ? `: ${profile.ban_reason}` : '.'}`);
  return session(sql, config, profile);
}

export function sessionCookie(config: AuthConfig, token: string, maxAgeSeconds: number): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAgeSeconds}`,
    ...(config.secureCookies ? ['Secure'] : []),
  ].join('; ');
}

export function clearSessionCookie(config: AuthConfig): string {
  return sessionCookie(config, '', 0);
}

/** The JSON answer of sign-up/sign-in: the profile and token, with the session cookie set. */
export function sessionResponse(config: AuthConfig, result: SessionResult, status = 200): Response {
  return Response.json(
    { user: result.profile, token: result.token, expires_at: result.expiresAt },
    { status, headers: { 'Set-Cookie': sessionCookie(config, result.token, config.sessionTtlSeconds), 'Cache-Control': 'no-store' } },
  );
}
