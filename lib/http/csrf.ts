import { HttpError } from './http-error';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origins this site answers on: the request's own, its Host header's, and PUBLIC_BASE_URL's. */
function siteOrigins(request: Request, env: Record<string, string | undefined>): Set<string> {
  const url = new URL(request.url);
  const origins = new Set([url.origin]);
  const host = request.headers.get('host');
  if (host) origins.add(`${url.protocol}//${host}`).add(`https://${host}`).add(`http://${host}`);
  if (env.PUBLIC_BASE_URL) {
    try {
      origins.add(new URL(env.PUBLIC_BASE_URL).origin);
    } catch {
      // A malformed PUBLIC_BASE_URL adds nothing.
    }
  }
  return origins;
}

/**
 * Refuses cross-site requests that would ride on a session cookie: a state-changing
 * method must come from this site (Sec-Fetch-Site same-origin, or an Origin that is ours)
 * and a body must be JSON, which no HTML form can send. Requests without Origin and
 * Sec-Fetch-Site come from non-browser clients, which a third-party page cannot drive.
 * Bearer-authenticated calls need none of this (a browser never adds the header by itself).
 */
export function assertSameSiteMutation(request: Request, env: Record<string, string | undefined> = process.env): void {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return;
  const fetchSite = request.headers.get('sec-fetch-site')?.toLowerCase();
  if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    throw new HttpError(403, 'Cross-site request refused', `A ${fetchSite} request cannot use the session cookie; call the API from this site or with Authorization: Bearer.`);
  }
  const origin = request.headers.get('origin');
  if (origin !== null && !siteOrigins(request, env).has(origin.toLowerCase())) {
    throw new HttpError(403, 'Cross-site request refused', `Requests from ${origin === 'null' ? 'an opaque origin' : origin} cannot use the session cookie.`);
  }
  const contentType = request.headers.get('content-type');
  if (contentType !== null && !/^application\/json\s*(;|$)/i.test(contentType.trim())) {
    throw new HttpError(415, 'Unsupported media type', 'Send the body as JSON with Content-Type: application/json.');
  }
}
