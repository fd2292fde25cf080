import { combineChunks, stringFromBase64URL } from '@supabase/ssr';
import { getSql, type Sql } from '../db/client';
import { assertSameSiteMutation } from '../http/csrf';
import { HttpError } from '../http/http-error';
import { authConfig, SESSION_COOKIE, type AuthConfig } from './config';
import { ensureProfile, ProfileConflictError, type Profile } from './profiles';
import { InvalidTokenError, verifyAccessToken, type TokenIdentity } from './tokens';

export function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    const raw = part.slice(index + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(raw));
    } catch {
      cookies.set(name, raw);
    }
  }
  return cookies;
}

/** The access token inside the @supabase/ssr session cookie (possibly chunked, possibly "base64-" encoded). */
async function supabaseCookieToken(cookies: Map<string, string>, cookieName: string): Promise<string | undefined> {
  const raw = await combineChunks(cookieName, (name) => cookies.get(name));
  if (!raw) return undefined;
  let json = raw;
  if (raw.startsWith('base64-')) {
    try {
      json = stringFromBase64URL(raw.slice('base64-'.length));
    } catch {
      return undefined;
    }
  }
  try {
    const session = JSON.parse(json) as unknown;
    // Current format: the session object; older helpers stored [access_token, refresh_token, ...].
    if (Array.isArray(session) && typeof session[0] === 'string') return session[0];
    const token = (session as { access_token?: unknown } | null)?.access_token;
    return typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}

/** Authorization: Bearer wins; then the local session cookie or the Supabase session cookie. */
export async function accessTokenFrom(request: Request, config: AuthConfig): Promise<string | undefined> {
  return (await presentedToken(request, config))?.token;
}

/** The access token and how it came: a cookie (CSRF-prone) or an Authorization header. */
export async function presentedToken(request: Request, config: AuthConfig): Promise<{ token: string; via: 'bearer' | 'cookie' } | undefined> {
  const authorization = request.headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1] ? { token: match[1], via: 'bearer' } : undefined;
  }
  const cookies = parseCookies(request.headers.get('cookie'));
  const token = config.supabase ? await supabaseCookieToken(cookies, config.supabase.cookieName) : cookies.get(SESSION_COOKIE) || undefined;
  return token ? { token, via: 'cookie' } : undefined;
}

export interface RequireUserOptions {
  sql?: Sql;
  config?: AuthConfig;
}

/**
 * The signed-in user's profile. 401 when there is no valid session, 403 when banned.
 * Supabase users get a profiles row on first sight; ADMIN_EMAILS promotes to admin.
 */
export async function requireUser(request: Request, options: RequireUserOptions = {}): Promise<Profile> {
  return (await authenticate(request, options)).profile;
}

export interface Authenticated {
  profile: Profile;
  identity: TokenIdentity;
  via: 'bearer' | 'cookie';
}

/**
 * requireUser with the verified token's identity (its session id) and how it was sent.
 * A state-changing request authenticated by cookie must come from this site (403/415).
 */
export async function authenticate(request: Request, options: RequireUserOptions = {}): Promise<Authenticated> {
  const config = options.config ?? authConfig();
  const sql = options.sql ?? getSql();
  const presented = await presentedToken(request, config);
  if (!presented) throw new HttpError(401, 'Unauthorized', 'Sign in first: no session cookie or Authorization: Bearer token was sent.');
  if (presented.via === 'cookie') assertSameSiteMutation(request);
  let identity;
  try {
    identity = await verifyAccessToken(sql, config, presented.token);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw new HttpError(401, 'Unauthorized', error.message);
    throw new HttpError(503, 'Service unavailable', 'The session could not be verified right now.');
  }
  let profile: Profile;
  try {
    profile = await ensureProfile(sql, identity, config.adminEmails);
  } catch (error) {
    if (error instanceof ProfileConflictError) throw new HttpError(409, 'Conflict', error.message);
    throw error;
  }
  if (profile.banned_at) {
    throw new HttpError(403, 'Forbidden', `This account is banned${profile.ban_reason ? `: ${profile.ban_reason}` : '.'}`);
  }
  return { profile, identity, via: presented.via };
}

/** requireUser, then 403 unless the profile is an admin. */
export async function requireAdmin(request: Request, options: RequireUserOptions = {}): Promise<Profile> {
  const profile = await requireUser(request, options);
  if (profile.role !== 'admin') throw new HttpError(403, 'Forbidden', 'This needs an administrator.');
  return profile;
}
