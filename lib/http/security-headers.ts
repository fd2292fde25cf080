/**
 * Security headers. Every response gets SECURITY_HEADERS (next.config.ts headers()).
 * Pages get a per-request nonce CSP from proxy.ts (Next.js puts the nonce on its own
 * inline scripts; the layout puts it on the theme script); API responses, which are
 * never rendered as documents, get API_CSP. No dependencies: next.config.ts imports this.
 */
export const SECURITY_HEADERS: { key: string; value: string }[] = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The dashboard's policy: scripts only from us or carrying this response's nonce
 * ('strict-dynamic' lets them load Next's chunks); inline style attributes are allowed
 * (bar widths), nothing may frame the site. No upgrade-insecure-requests: the app is
 * also served over plain http on a LAN.
 */
export function pageCsp(nonce: string, development = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${development ? ' ws: wss:' : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const NONCE_HEADER = 'x-nonce';
