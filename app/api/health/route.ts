import { getHealthReport } from '@/lib/health';
import { rateLimiterHealth } from '@/lib/ratelimit';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  const report = await getHealthReport();
  // Whether API limits are shared (Redis) or, during a Redis outage, per process.
  const rateLimiter = await rateLimiterHealth();
  return Response.json({ ...report, rate_limiter: rateLimiter }, {
    status: report.status === 'ok' ? 200 : 503,
    headers: { 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' },
  });
}
