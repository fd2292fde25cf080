import { routeMethods } from '@/lib/api/methods';
import { getSql } from '@/lib/db/client';
import { checkMetricsAccess, renderMetrics } from '@/lib/metrics';

export const dynamic = 'force-dynamic';

/** GET /api/metrics with Authorization: Bearer $METRICS_TOKEN: Prometheus text format. */
async function metrics(request: Request): Promise<Response> {
  const denied = checkMetricsAccess(request);
  if (denied) {
    denied.headers.set('Cache-Control', 'no-store');
    return denied;
  }
  const { contentType, body } = await renderMetrics(getSql());
  return new Response(body, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
}

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: metrics });
