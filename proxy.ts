import { NextResponse, type NextRequest } from 'next/server';
import { databaseReachable } from './lib/dashboard/database-status';

/**
 * Server-rendered dashboard pages need the database. During an outage they answer
 * 503 with a "data temporarily unavailable" page (a rewrite keeps the address)
 * instead of a 500 error page; account pages render in the browser and show the
 * API's 503 themselves.
 */
export async function proxy(request: NextRequest) {
  if (await databaseReachable()) return NextResponse.next();
  const response = NextResponse.rewrite(new URL('/unavailable', request.url), { status: 503 });
  response.headers.set('Retry-After', '30');
  response.headers.set('Cache-Control', 'no-store');
  return response;
}

export const config = {
  matcher: ['/', '/nodes', '/nodes/:id', '/leaderboard', '/countries', '/stats'],
};
