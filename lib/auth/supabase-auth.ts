import { createServerClient, type CookieOptions } from '@supabase/ssr';
import type { AuthError, Session, SupabaseClient, User } from '@supabase/supabase-js';
import { z } from 'zod';
import type { Sql } from '../db/client';
import { HttpError, tooManyRequests } from '../http/http-error';
import type { AuthConfig } from './config';
import { confirmQuerySchema } from './confirm-query';
import { ensureProfile, publicProfile } from './profiles';

/**
 * Supabase mode's sign-up, sign-in, sign-out and password reset, through supabase-js (the @supabase/ssr server
 * client) against Supabase Auth. The session lands in the @supabase/ssr cookie (sb-<ref>-auth-token) that
 * lib/auth/session.ts reads and verifies on every request.
 */
export interface SupabaseAuthSettings {
  url: string;
  anonKey: string;
  /** Where email links (confirmation, password reset) send people back: PUBLIC_BASE_URL. */
  publicBaseUrl: string;
}

/** Supabase mode is on when SUPABASE_URL and SUPABASE_ANON_KEY are both set. */
export function supabaseAuthSettings(env: Record<string, string | undefined> = process.env): SupabaseAuthSettings | null {
  const url = env.SUPABASE_URL?.trim();
  const anonKey = env.SUPABASE_ANON_KEY?.trim();
  if (!url || !anonKey) return null;
  return { url: url.replace(/\/+$/, ''), anonKey, publicBaseUrl: (env.PUBLIC_BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '') };
}

function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${options.path ?? '/'}`];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${Math.floor(options.maxAge)}`);
  if (options.domain) parts.push(`Domain=${options.domain}`);
  parts.push(`SameSite=${typeof options.sameSite === 'string' ? options.sameSite[0]!.toUpperCase() + options.sameSite.slice(1) : 'Lax'}`);
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** HTTPS as the browser sees it: the request's own scheme or the proxy's X-Forwarded-Proto. */
function isHttps(request: Request): boolean {
  const forwarded = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return forwarded ? forwarded === 'https' : new URL(request.url).protocol === 'https:';
}

function requestCookies(request: Request): { name: string; value: string }[] {
  return (request.headers.get('cookie') ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.includes('='))
    .map((part) => {
      const index = part.indexOf('=');
      return { name: part.slice(0, index), value: part.slice(index + 1) };
    });
}

/**
 * Only Auth is used. supabase-js builds a Realtime client anyway, which on Node 20 (no global WebSocket) throws
 * unless given a transport: this one is never opened.
 */
class RealtimeNotUsed {
  constructor() {
    throw new Error('Peerscope does not use Supabase Realtime');
  }
}

/** A supabase-js client for one request: reads the session cookies from it, collects the cookies to set. */
export function supabaseForRequest(request: Request, settings: SupabaseAuthSettings): { supabase: SupabaseClient; setCookies: string[] } {
  const setCookies: string[] = [];
  const supabase = createServerClient(settings.url, settings.anonKey, {
    cookies: {
      getAll: () => requestCookies(request),
      setAll: (cookies) => {
        for (const { name, value, options } of cookies) setCookies.push(serializeCookie(name, value, options));
      },
    },
    realtime: { transport: RealtimeNotUsed as never },
    // The browser never runs supabase-js here: the server alone reads the session cookie.
    cookieOptions: { httpOnly: true, sameSite: 'lax', path: '/', secure: isHttps(request) },
  });
  return { supabase, setCookies };
}

/** Supabase Auth's answer as our JSON error: wrong credentials 401, rate limit 429, refusals 400/422, outage 503. */
export function authFailure(error: AuthError): HttpError {
  const status = error.status ?? 0;
  const message = error.message || 'Supabase Auth refused the request.';
  if (error.code === 'invalid_credentials' || (status === 400 && /invalid login credentials/i.test(message))) {
    return new HttpError(401, 'Unauthorized', 'The email or password is wrong.');
  }
  if (error.code === 'email_not_confirmed') return new HttpError(403, 'Email not confirmed', 'Confirm your email address first: follow the link in the email we sent.');
  if (error.code === 'user_already_exists' || error.code === 'email_exists') return new HttpError(409, 'Conflict', 'An account with this email already exists.');
  if (status === 429) return tooManyRequests('Too many attempts; try again later.', 60);
  if (status >= 400 && status < 500) return new HttpError(status === 422 ? 422 : 400, 'Rejected by Supabase Auth', message.slice(0, 300));
  return new HttpError(503, 'Service unavailable', 'Supabase Auth could not be reached; try again shortly.');
}

function withCookies(response: Response, setCookies: string[]): Response {
  for (const cookie of setCookies) response.headers.append('Set-Cookie', cookie);
  response.headers.set('Cache-Control', 'no-store');
  return response;
}

async function sessionBody(sql: Sql, config: AuthConfig, user: User, session: Session) {
  const profile = await ensureProfile(sql, { userId: user.id, email: user.email ?? '' }, config.adminEmails);
  return { user: publicProfile(profile), token: session.access_token, expires_at: new Date((session.expires_at ?? 0) * 1000) };
}

/** Sign-in takes any password Supabase Auth accepted at sign-up (its own minimum may be shorter than ours). */
export const supabaseSignInSchema = z
  .object({ email: z.email().max(254).transform((email) => email.trim().toLowerCase()), password: z.string().min(1).max(200) })
  .strict();

export interface Credentials {
  email: string;
  password: string;
}

export async function supabaseSignIn(request: Request, settings: SupabaseAuthSettings, sql: Sql, config: AuthConfig, input: Credentials): Promise<Response> {
  const { supabase, setCookies } = supabaseForRequest(request, settings);
  const { data, error } = await supabase.auth.signInWithPassword(input);
  if (error) throw authFailure(error);
  return withCookies(Response.json(await sessionBody(sql, config, data.user, data.session)), setCookies);
}

/** 201 with a session when the project confirms automatically, else 201 {user: null, confirmation_required: true}. */
export async function supabaseSignUp(
  request: Request,
  settings: SupabaseAuthSettings,
  sql: Sql,
  config: AuthConfig,
  input: Credentials & { display_name?: string },
): Promise<Response> {
  const { supabase, setCookies } = supabaseForRequest(request, settings);
  const { data, error } = await supabase.auth.signUp({
    email: input.email,
    password: input.password,
    options: { emailRedirectTo: `${settings.publicBaseUrl}/account`, data: input.display_name ? { display_name: input.display_name } : undefined },
  });
  if (error) throw authFailure(error);
  if (!data.session || !data.user) return withCookies(Response.json({ user: null, confirmation_required: true }, { status: 201 }), setCookies);
  return withCookies(Response.json(await sessionBody(sql, config, data.user, data.session), { status: 201 }), setCookies);
}

/** Ends the session at Supabase Auth (revoking its refresh token) and clears the session cookies. */
export async function supabaseSignOut(request: Request, settings: SupabaseAuthSettings): Promise<{ setCookies: string[] }> {
  const { supabase, setCookies } = supabaseForRequest(request, settings);
  const { error } = await supabase.auth.signOut({ scope: 'local' });
  // An expired or already revoked session is signed out all the same; the cookies are cleared either way.
  if (error && (error.status ?? 0) >= 500) throw authFailure(error);
  return { setCookies };
}

/** Sends the reset email. Always the same answer, so it does not tell whether an account exists. */
export async function supabaseRequestPasswordReset(request: Request, settings: SupabaseAuthSettings, email: string): Promise<Response> {
  const { supabase, setCookies } = supabaseForRequest(request, settings);
  const { error } = await supabase.auth.resetPasswordForEmail(email, { redirectTo: `${settings.publicBaseUrl}/account/reset-password` });
  if (error && ((error.status ?? 0) === 429 || (error.status ?? 0) >= 500 || error.status === undefined)) throw authFailure(error);
  return withCookies(Response.json({ sent: true }), setCookies);
}

/** Only same-site paths: never an open redirect. */
export function safeNextPath(next: string | undefined, fallback: string): string {
  return next && /^\/(?![/\\])[\w\-./?=&%]*$/.test(next) ? next : fallback;
}

/**
 * GET /api/auth/confirm?token_hash=…&type=recovery|signup|…&next=/path: the link in Supabase's emails. Verifies
 * the one-time token, sets the session cookies and redirects (303) to `next` (recovery: the new-password page).
 */
export async function supabaseConfirm(request: Request, settings: SupabaseAuthSettings): Promise<Response> {
  const url = new URL(request.url);
  const query = confirmQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  const fail = (reason: string) => new Response(null, { status: 303, headers: { Location: `/account/sign-in?error=${encodeURIComponent(reason)}`, 'Cache-Control': 'no-store' } });
  if (!query.success || !query.data.token_hash || !query.data.type) return fail('The link is incomplete.');
  const { supabase, setCookies } = supabaseForRequest(request, settings);
  const { error } = await supabase.auth.verifyOtp({ token_hash: query.data.token_hash, type: query.data.type });
  if (error) return fail('The link is invalid or has expired. Ask for a new one.');
  const next = safeNextPath(query.data.next, query.data.type === 'recovery' ? '/account/reset-password' : '/account');
  return withCookies(new Response(null, { status: 303, headers: { Location: next } }), setCookies);
}

/** Sets a new password for the signed-in user (after following a reset link, or from the account page). */
export async function supabaseUpdatePassword(request: Request, settings: SupabaseAuthSettings, password: string): Promise<Response> {
  const { supabase, setCookies } = supabaseForRequest(request, settings);
  const { data: current } = await supabase.auth.getSession();
  if (!current.session) throw new HttpError(401, 'Unauthorized', 'Sign in first, or follow the password reset link again.');
  const { error } = await supabase.auth.updateUser({ password });
  if (error) {
    if (error.name === 'AuthSessionMissingError') throw new HttpError(401, 'Unauthorized', 'Sign in first, or follow the password reset link again.');
    throw authFailure(error);
  }
  return withCookies(Response.json({ password_updated: true }), setCookies);
}
