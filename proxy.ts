import { NextResponse, type NextRequest } from 'next/server';
import { databaseReachable } from './lib/dashboard/database-status';

/**
 * Server-rendered dashboard pages need the database. During an outage they answer
 * 503 with the "data temporarily unavailable" page instead of a 500 error page;
 * account pages render in the browser and show the API's 503 themselves.
 *
 * Next renders every page with status 200 (a rewrite's status is reset before the
 * render), so the proxy fetches the page from this server and answers with its HTML.
 */
export async function proxy(request: NextRequest) {
  if (await databaseReachable()) return NextResponse.next();
  const headers = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Retry-After': '30' };
  try {
    // The server's own origin (not the client's Host header); /unavailable is outside the matcher below.
    const page = await fetch(new URL('/unavailable', request.nextUrl.origin), { signal: AbortSignal.timeout(3_000) });
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
  matcher: ['/', '/nodes', '/nodes/:id', '/leaderboard', '/countries', '/stats'],
};
