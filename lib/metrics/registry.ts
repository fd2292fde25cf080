import { Counter, Histogram, Registry } from 'prom-client';

/**
 * This process's own metrics: API requests by route and status (and their duration). Crawl and alert metrics do
 * not live here: the crawler is another process, so they are read from the database at scrape time
 * (lib/metrics/database.ts).
 */
export interface ProcessMetrics {
  registry: Registry;
  apiRequests: Counter<'route' | 'method' | 'status'>;
  apiDuration: Histogram<'route'>;
}

function createProcessMetrics(): ProcessMetrics {
  const registry = new Registry();
  return {
    registry,
    apiRequests: new Counter({
      name: 'peerscope_api_requests_total',
      help: 'JSON API requests answered by this web process, by route, method and HTTP status.',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    apiDuration: new Histogram({
      name: 'peerscope_api_request_duration_seconds',
      help: 'Time to answer a JSON API request in this web process, by route.',
      labelNames: ['route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

const globalForMetrics = globalThis as typeof globalThis & { __peerscopeMetrics?: ProcessMetrics };

/** One registry per process (kept on globalThis so Next.js dev reloads do not register twice). */
export function processMetrics(): ProcessMetrics {
  globalForMetrics.__peerscopeMetrics ??= createProcessMetrics();
  return globalForMetrics.__peerscopeMetrics;
}

/** Counts one answered API request; never throws (metrics must not break the API). */
export function recordApiRequest(route: string, method: string, status: number, seconds: number): void {
  try {
    const metrics = processMetrics();
    metrics.apiRequests.inc({ route, method, status: String(status) });
    metrics.apiDuration.observe({ route }, seconds);
  } catch {
    // ignore
  }
}
