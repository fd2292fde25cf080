import { corsHeaders, NO_STORE } from '@/lib/api/headers';
import { allowHeader, routeMethods } from '@/lib/api/methods';
import { getHealthReport } from '@/lib/health';
import { rateLimiterHealth } from '@/lib/ratelimit';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  /** {status: "healthy", timestamp (ISO), …} with 200, or status "unhealthy" with 503. */
  GET: async (): Promise<Response> => {
    const report = await getHealthReport();
    // Whether API limits are shared (Redis) or, during a Redis outage, per process.
    const rateLimiter = await rateLimiterHealth();
    return Response.json({ ...report, rate_limiter: rateLimiter }, {
      status: report.status === 'healthy' ? 200 : 503,
      headers: { ...corsHeaders(allowHeader(['GET'])), 'Cache-Control': NO_STORE },
    });
  },
});
