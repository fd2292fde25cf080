import { NextResponse, type NextRequest } from 'next/server';
import { databaseReachable } from './lib/dashboard/database-status';
import { NONCE_HEADER, pageCsp } from './lib/http/security-headers';

/**
 * Every page gets a fresh CSP nonce (Next.js reads it from the request's CSP header).
 *
 * Server-rendered dashboard pages also need the database. During an outage they answer
 * 503 with the "data temporarily unavailable" page instead of a 500 error page;
 * account pages render in the browser and show the API's 503 themselves.
 * Next renders every page with status 200 (a rewrite's status is reset before the
 * render), so the proxy fetches the page from this server and answers with its HTML.
 */
export async function proxy(request: NextRequest) {
  if (needsDatabase(request.nextUrl.pathname) && !(await databaseReachable())) return unavailable(request);
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64');
  const csp = pageCsp(nonce, process.env.NODE_ENV === 'development');
  const headers = new Headers(request.headers);
  headers.set(NONCE_HEADER, nonce);
  headers.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

/** The server-rendered pages that read network data. */
const DATABASE_PAGES = [/^\/$/, /^\/nodes(\/[^/]+)?\/?$/, /^\/(leaderboard|countries|stats)\/?$/];

function needsDatabase(pathname: string): boolean {
  return DATABASE_PAGES.some((pattern) => pattern.test(pathname));
}

async function unavailable(request: NextRequest): Promise<NextResponse> {
  const headers: Record<string, string> = {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Retry-After': '30',
  };
  try {
    // The server's own origin (not the client's Host header); /unavailable needs no database.
    const page = await fetch(new URL('/unavailable', request.nextUrl.origin), { signal: AbortSignal.timeout(3_000) });
    const csp = page.headers.get('content-security-policy');
    if (csp) headers['Content-Security-Policy'] = csp;
    if (page.ok) return new NextResponse(await page.text(), { status: 503, headers });
  } catch {
    // Fall through to the plain page.
  }
  return new NextResponse(FALLBACK_HTML, { status: 503, headers });
}

const FALLBACK_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
  '<title>Data temporarily unavailable · Peerscope</title></head><body><main><h1>Data temporarily unavailable</h1>' +
  '<p>The network data cannot be loaded right now because the database is not answering. Try again in a minute.</p>' +
  '<p><a href="/">Network overview</a> · <a href="/api/health">Service health</a></p></main></body></html>';

export const config = {
  matcher: [
    {
      source: '/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
