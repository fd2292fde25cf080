import type { RateLimitResult } from '../ratelimit';

export const PUBLIC_CACHE_CONTROL = 'public, s-maxage=60, stale-while-revalidate=120';
export const NO_STORE = 'no-store';

/**
 * CORS for every API endpoint: any origin, credentials (API keys, session tokens) in
 * headers, rate-limit headers readable by scripts.
 */
export function corsHeaders(methods = 'GET, HEAD, OPTIONS'): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': methods,
    'Access-Control-Allow-Headers': 'Authorization, X-API-Key, Content-Type, If-None-Match',
    'Access-Control-Expose-Headers': 'X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, ETag',
    'Access-Control-Max-Age': '86400',
  };
}

/** X-RateLimit-Reset is unix seconds, like GitHub's API. */
export function rateLimitHeaders(result: RateLimitResult, now = Date.now()): Record<string, string> {
  const headers: Record<string, string> = {
    'X-RateLimit-Limit': String(result.limit),
    'X-RateLimit-Remaining': String(result.remaining),
    'X-RateLimit-Reset': String(Math.ceil(result.reset / 1000)),
  };
  if (!result.success) headers['Retry-After'] = String(Math.max(1, Math.ceil((result.reset - now) / 1000)));
  return headers;
}

/** Copies headers onto a response (route handlers' responses are mutable). */
export function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/**
 * Adds the CORS headers to a response: what every API route wrapper calls (apiRoute
 * here, the account routes' wrapper in lib/http). `methods` is the route's Allow list.
 */
export function withCors(response: Response, methods = 'GET, HEAD, OPTIONS'): Response {
  return withHeaders(response, corsHeaders(methods));
}
