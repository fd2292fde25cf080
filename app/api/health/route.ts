import { corsHeaders, NO_STORE } from '@/lib/api/headers';
import { allowHeader, routeMethods } from '@/lib/api/methods';
import { getHealthReport } from '@/lib/health';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  /** {status: "healthy", timestamp (ISO), …} with 200, or status "unhealthy" with 503. */
  GET: async (): Promise<Response> => {
    const report = await getHealthReport();
    return Response.json(report, {
      status: report.status === 'healthy' ? 200 : 503,
      headers: { ...corsHeaders(allowHeader(['GET'])), 'Cache-Control': NO_STORE },
    });
  },
});
