import { Registry } from 'prom-client';
import { z } from 'zod';
import type { Sql } from '../db/client';
import { bearerToken, secretMatches } from '../http/bearer';
import { jsonError } from '../http/responses';
import { collectDatabaseMetrics } from './database';
import { processMetrics } from './registry';

export { recordApiRequest } from './registry';
export { routeLabel } from './route-label';

const tokenSchema = z.string().trim().min(16, 'METRICS_TOKEN must be at least 16 characters');

/** null when the request may read metrics, else the error response (503 unset or too short, 401 wrong bearer). */
export function checkMetricsAccess(request: Request, env: Record<string, string | undefined> = process.env): Response | null {
  const configured = env.METRICS_TOKEN;
  if (!configured) return jsonError(503, 'Metrics disabled', 'METRICS_TOKEN is not set on the server');
  const token = tokenSchema.safeParse(configured);
  if (!token.success) return jsonError(503, 'Metrics disabled', 'METRICS_TOKEN must be at least 16 characters');
  if (!secretMatches(bearerToken(request.headers), token.data)) {
    return jsonError(401, 'Unauthorized', 'Send Authorization: Bearer <METRICS_TOKEN>', { 'WWW-Authenticate': 'Bearer' });
  }
  return null;
}

/** The Prometheus text exposition: database-wide metrics plus this process's API request counters. */
export async function renderMetrics(sql: Sql): Promise<{ contentType: string; body: string }> {
  const merged = Registry.merge([await collectDatabaseMetrics(sql), processMetrics().registry]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
