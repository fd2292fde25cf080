import { z } from 'zod';

/**
 * How people sign in.
 *
 * - Supabase mode (SUPABASE_URL set): sessions come from Supabase Auth (the @supabase/ssr
 *   session cookie or an Authorization: Bearer access token). Tokens are verified with
 *   SUPABASE_JWT_SECRET (HS256) when set, otherwise against the project's JWKS at
 *   SUPABASE_URL/auth/v1/.well-known/jwks.json. Local sign-up/sign-in is off.
 * - Local mode (the embedded default): POST /api/auth/signup|signin issue a JWT signed with
 *   AUTH_JWT_SECRET (or a secret generated once and kept in app_settings), set as the
 *   httpOnly `peerscope_session` cookie and also accepted as Authorization: Bearer.
 *   AUTH_LOCAL=false turns local sign-in off.
 */
export interface AuthConfig {
  supabase: {
    url: string;
    /** Issuer of Supabase access tokens: <url>/auth/v1. */
    issuer: string;
    jwtSecret?: string;
    jwksUrl: string;
    /** The @supabase/ssr cookie name: sb-<project ref>-auth-token. */
    cookieName: string;
  } | null;
  localEnabled: boolean;
  /** AUTH_JWT_SECRET when set (≥ 32 characters). */
  localSecret?: string;
  adminEmails: Set<string>;
  /** Local session lifetime in seconds. */
  sessionTtlSeconds: number;
  secureCookies: boolean;
}

const envSchema = z.object({
  SUPABASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  SUPABASE_JWT_SECRET: z.string().min(32, 'SUPABASE_JWT_SECRET must be at least 32 characters').optional(),
  SUPABASE_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  AUTH_LOCAL: z.enum(['true', 'false', '1', '0']).optional(),
  AUTH_JWT_SECRET: z.string().min(32, 'AUTH_JWT_SECRET must be at least 32 characters').optional(),
  AUTH_SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).optional(),
  ADMIN_EMAILS: z.string().optional(),
});

const blankToUndefined = (env: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === '' ? undefined : value]));

export function authConfig(env: Record<string, string | undefined> = process.env): AuthConfig {
  const parsed = envSchema.safeParse(blankToUndefined(env));
  if (!parsed.success) {
    throw new Error(`Invalid auth configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  let supabase: AuthConfig['supabase'] = null;
  if (e.SUPABASE_URL) {
    const url = e.SUPABASE_URL.replace(/\/+$/, '');
    const ref = new URL(url).hostname.split('.')[0];
    supabase = {
      url,
      issuer: `${url}/auth/v1`,
      jwtSecret: e.SUPABASE_JWT_SECRET,
      jwksUrl: e.SUPABASE_JWKS_URL ?? `${url}/auth/v1/.well-known/jwks.json`,
      cookieName: `sb-${ref}-auth-token`,
    };
  }
  const localFlag = e.AUTH_LOCAL === undefined ? true : e.AUTH_LOCAL === 'true' || e.AUTH_LOCAL === '1';
  return {
    supabase,
    localEnabled: !supabase && localFlag,
    localSecret: e.AUTH_JWT_SECRET,
    adminEmails: new Set(
      (e.ADMIN_EMAILS ?? '')
        .split(',')
        .map((email) => email.trim().toLowerCase())
        .filter(Boolean),
    ),
    sessionTtlSeconds: (e.AUTH_SESSION_TTL_HOURS ?? 24 * 7) * 3600,
    secureCookies: env.NODE_ENV === 'production',
  };
}

export const SESSION_COOKIE = 'peerscope_session';
