import { corsHeaders, NO_STORE } from '@/lib/api/headers';
import { getHealthReport } from '@/lib/health';

export const dynamic = 'force-dynamic';

/** {status: "healthy", timestamp (ISO), …} with 200, or status "unhealthy" with 503. */
export async function GET(): Promise<Response> {
  const report = await getHealthReport();
  return Response.json(report, {
    status: report.status === 'healthy' ? 200 : 503,
    headers: { ...corsHeaders(), 'Cache-Control': NO_STORE },
  });
}
