import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Sql } from '../db/client';
import type { AuthConfig } from './config';
import { createSession, issuedBeforeRevocation, localSessionIsActive } from './revocation';

export const LOCAL_ISSUER = 'peerscope';
export const LOCAL_AUDIENCE = 'peerscope';
const LOCAL_SECRET_SETTING = 'auth.jwt_secret';

/** What a verified access token says about its bearer. */
export interface TokenIdentity {
  source: 'local' | 'supabase';
  userId: string;
  email: string;
  /** The local session row (auth_sessions.id); absent for Supabase tokens. */
  sessionId?: string;
}

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

const secretCache = new WeakMap<Sql, Promise<Uint8Array>>();

/**
 * The HS256 key for local sessions: AUTH_JWT_SECRET when set, otherwise a random secret
 * generated on first use and kept in app_settings ('auth.jwt_secret', never exposed by the
 * settings API), so sessions survive restarts and work across processes.
 */
export function localSigningKey(sql: Sql, config: AuthConfig): Promise<Uint8Array> {
  if (config.localSecret) return Promise.resolve(new TextEncoder().encode(config.localSecret));
  let cached = secretCache.get(sql);
  if (!cached) {
    cached = (async () => {
      const candidate = randomBytes(48).toString('base64url');
      await sql`
        insert into app_settings (key, value) values (${LOCAL_SECRET_SETTING}, ${JSON.stringify(candidate)}::text::jsonb)
        on conflict (key) do nothing`;
      const [row] = await sql<{ value: unknown }[]>`select value from app_settings where key = ${LOCAL_SECRET_SETTING}`;
      if (typeof row?.value !== 'string' || row.value.length < 32) throw new Error('The stored local JWT secret is malformed.');
      return new TextEncoder().encode(row.value);
    })();
    cached.catch(() => secretCache.delete(sql));
    secretCache.set(sql, cached);
  }
  return cached;
}

export async function signLocalToken(
  sql: Sql,
  config: AuthConfig,
  profile: { id: string; email: string; role: string },
): Promise<{ token: string; expiresAt: Date; sessionId: string }> {
  const key = await localSigningKey(sql, config);
  const expiresAt = new Date(Date.now() + config.sessionTtlSeconds * 1000);
  const sessionId = await createSession(sql, profile.id, expiresAt);
  const token = await new SignJWT({ email: profile.email, role: profile.role, sid: sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(profile.id)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key);
  return { token, expiresAt, sessionId };
}

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function remoteJwks(url: string): ReturnType<typeof createRemoteJWKSet> {
  let set = jwksCache.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    jwksCache.set(url, set);
  }
  return set;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function identityFrom(payload: JWTPayload, source: TokenIdentity['source']): TokenIdentity {
  const email = typeof payload.email === 'string' ? payload.email.trim().toLowerCase() : '';
  if (!payload.sub || !UUID.test(payload.sub)) throw new InvalidTokenError('The token has no user id.');
  if (!email.includes('@')) throw new InvalidTokenError('The token has no email address.');
  return { source, userId: payload.sub.toLowerCase(), email };
}

/**
 * Verifies an access token for the configured mode: Supabase tokens (HS256 with
 * SUPABASE_JWT_SECRET, or RS256/ES256 against the project's JWKS; audience
 * "authenticated", issuer SUPABASE_URL/auth/v1) or local tokens (HS256, issuer/audience
 * "peerscope"). Throws InvalidTokenError with a safe message.
 */
export async function verifyAccessToken(sql: Sql, config: AuthConfig, token: string): Promise<TokenIdentity> {
  try {
    if (config.supabase) {
      const options = { issuer: config.supabase.issuer, audience: 'authenticated', clockTolerance: 30, requiredClaims: ['exp'] };
      const { payload } = config.supabase.jwtSecret
        ? await jwtVerify(token, new TextEncoder().encode(config.supabase.jwtSecret), { ...options, algorithms: ['HS256'] })
        : await jwtVerify(token, remoteJwks(config.supabase.jwksUrl), { ...options, algorithms: ['RS256', 'ES256', 'EdDSA'] });
      const identity = identityFrom(payload, 'supabase');
      if (await issuedBeforeRevocation(sql, identity.userId, payload.iat ?? 0)) throw new InvalidTokenError('The session has been signed out.');
      return identity;
    }
    if (!config.localEnabled) throw new InvalidTokenError('Sign-in is not configured.');
    const { payload } = await jwtVerify(token, await localSigningKey(sql, config), {
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      algorithms: ['HS256'],
      clockTolerance: 30,
      requiredClaims: ['exp', 'sid'],
    });
    const identity = identityFrom(payload, 'local');
    const sessionId = typeof payload.sid === 'string' && UUID.test(payload.sid) ? payload.sid : undefined;
    if (!sessionId || !(await localSessionIsActive(sql, sessionId, identity.userId))) {
      throw new InvalidTokenError('The session has been signed out or has expired.');
    }
    return { ...identity, sessionId };
  } catch (error) {
    if (error instanceof InvalidTokenError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new InvalidTokenError('The session has expired.');
    if (error instanceof joseErrors.JOSEError) throw new InvalidTokenError('The session token is invalid.');
    throw error;
  }
}
