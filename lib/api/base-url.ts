import { z } from 'zod';

const baseUrlSchema = z.url({ protocol: /^https?$/ });
const hostSchema = z.string().regex(/^(?:[a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63}(?::\d{1,5})?$|^\[[0-9a-f:.]{2,45}\](?::\d{1,5})?$/i);

/**
 * The origin links in API answers (Bitnodes `url`/`next`/`previous`) are built on:
 * PUBLIC_BASE_URL when set, otherwise the request's own Host header (checked to be a
 * plain host[:port], so a crafted header cannot put a path or scheme in a link) with
 * the request's scheme. Never a hard-wired localhost.
 */
export function publicBaseUrl(request: Request): URL {
  const configured = process.env.PUBLIC_BASE_URL?.trim();
  if (configured && baseUrlSchema.safeParse(configured).success) return new URL(configured.replace(/\/*$/, '/'));
  const url = new URL(request.url);
  const host = request.headers.get('host')?.trim();
  if (host && hostSchema.safeParse(host).success) {
    const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
    const scheme = proto === 'https' || proto === 'http' ? proto : url.protocol.replace(':', '');
    return new URL(`${scheme}://${host.toLowerCase()}/`);
  }
  return new URL(`${url.protocol}//${url.host}/`);
}

/** `path` (absolute, e.g. "/api/v1/snapshots/") on the public origin. */
export function publicUrl(request: Request, path: string): URL {
  const base = publicBaseUrl(request);
  return new URL(`${base.pathname.replace(/\/$/, '')}${path}`, base);
}
