import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GET as metricsRoute } from '../../app/api/metrics/route';
import { GET as nodeRoute } from '../../app/api/nodes/[id]/route';
import { GET as statsRoute } from '../../app/api/stats.json/route';
import { recordCrawlRun } from '../../lib/crawler/runs';
import { checkMetricsAccess, renderMetrics } from '../../lib/metrics';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';
import { context, insertNode, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';

const TOKEN = 'metrics-token-0123456789';

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe(`GET /api/metrics on ${testBackend()}`, () => {
  let database: TestDatabase;
  const saved = process.env.METRICS_TOKEN;

  before(async () => {
    database = await openMigratedTestDatabase();
    await useDatabaseForRoutes(database.url);
    const base = { chain: 'bitcoin', dnsSeeds: 3, dnsSeedsResolved: 3, dueAtStart: 0, learned: 0, onlineNodes: null, error: null };
    const at = (seconds: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, seconds));
    // Durations 0.5 s, 4 s, 20 s, 20 s (failed) and 7200 s (aborted: beyond every bucket).
    await recordCrawlRun(database.sql, { ...base, startedAt: at(0), finishedAt: new Date(at(0).getTime() + 500), outcome: 'ok', dialed: 10, dialedOk: 7, dialedFailed: 3 });
    await recordCrawlRun(database.sql, { ...base, startedAt: at(10), finishedAt: at(14), outcome: 'ok', dialed: 5, dialedOk: 5, dialedFailed: 0 });
    await recordCrawlRun(database.sql, { ...base, startedAt: at(20), finishedAt: at(40), outcome: 'failed', dialed: 0, dialedOk: 0, dialedFailed: 0, error: 'db down' });
    await recordCrawlRun(database.sql, { ...base, startedAt: new Date(at(0).getTime() - 7_200_000), finishedAt: at(0), outcome: 'aborted', dialed: 2, dialedOk: 1, dialedFailed: 1 });
    await recordCrawlRun(database.sql, { ...base, dnsSeedsResolved: 1, startedAt: at(50), finishedAt: at(70), outcome: 'ok', dialed: 0, dialedOk: 0, dialedFailed: 0 });
    await insertNode(database.sql, { ip: '11.0.0.1', status: 'up' });
    await insertNode(database.sql, { ip: '11.0.0.2', status: 'up' });
    await insertNode(database.sql, { ip: '11.0.0.3', status: 'down' });
    await database.sql`
      insert into alert_history (event, channel, idempotency_key, change_key, status, attempts) values
        ('offline', 'email', 'k1', 'k1', 'sent', 1), ('offline', 'email', 'k2', 'k2', 'sent', 3),
        ('online', 'email', 'k3', 'k3', 'failed', 2), ('online', 'webhook', 'k4', 'k4', 'suppressed', 1)`;
  });
  after(async () => {
    if (saved === undefined) delete process.env.METRICS_TOKEN;
    else process.env.METRICS_TOKEN = saved;
    await releaseRoutes();
    await database.close();
  });

  it('is off (503) without a METRICS_TOKEN of 16+ characters and 401 without the right bearer', async () => {
    const get = (headers: Record<string, string> = {}) => new Request('http://localhost/api/metrics', { headers });
    assert.equal(checkMetricsAccess(get(), {})!.status, 503);
    assert.equal(checkMetricsAccess(get({ authorization: 'Bearer short' }), { METRICS_TOKEN: 'short' })!.status, 503);
    assert.equal(checkMetricsAccess(get(), { METRICS_TOKEN: TOKEN })!.status, 401);
    assert.equal(checkMetricsAccess(get({ authorization: `Bearer ${TOKEN}x` }), { METRICS_TOKEN: TOKEN })!.status, 401);
    assert.equal(checkMetricsAccess(get({ authorization: `Bearer ${TOKEN}` }), { METRICS_TOKEN: TOKEN }), null);

    delete process.env.METRICS_TOKEN;
    const off = await metricsRoute(get({ authorization: `Bearer ${TOKEN}` }));
    assert.equal(off.status, 503);
    assert.deepEqual(Object.keys(await off.json()), ['error', 'details']);
    process.env.METRICS_TOKEN = TOKEN;
    const denied = await metricsRoute(get({ authorization: 'Bearer wrong-token-wrong-token' }));
    assert.equal(denied.status, 401);
    assert.equal(denied.headers.get('cache-control'), 'no-store');
  });

  it('serves crawl, node and alert metrics from the database in the Prometheus text format', async () => {
    process.env.METRICS_TOKEN = TOKEN;
    const response = await metricsRoute(new Request('http://localhost/api/metrics', { headers: { authorization: `Bearer ${TOKEN}` } }));
    assert.equal(response.status, 200);
    assert.match(String(response.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.match(text, /# TYPE peerscope_crawl_passes_total counter/);
    assert.equal(sample(text, 'peerscope_metrics_database_up'), 1);
    assert.equal(sample(text, 'peerscope_crawl_passes_total{outcome="ok"}'), 3);
    assert.equal(sample(text, 'peerscope_crawl_passes_total{outcome="failed"}'), 1);
    assert.equal(sample(text, 'peerscope_crawl_passes_total{outcome="aborted"}'), 1);
    assert.equal(sample(text, 'peerscope_crawl_dials_total{outcome="ok"}'), 13);
    assert.equal(sample(text, 'peerscope_crawl_dials_total{outcome="failed"}'), 4);

    assert.match(text, /# TYPE peerscope_crawl_pass_duration_seconds histogram/);
    assert.equal(sample(text, 'peerscope_crawl_pass_duration_seconds_bucket{le="1"}'), 1);
    assert.equal(sample(text, 'peerscope_crawl_pass_duration_seconds_bucket{le="5"}'), 2);
    assert.equal(sample(text, 'peerscope_crawl_pass_duration_seconds_bucket{le="15"}'), 2);
    assert.equal(sample(text, 'peerscope_crawl_pass_duration_seconds_bucket{le="30"}'), 4, '20 s passes fall in le=30');
    assert.equal(sample(text, 'peerscope_crawl_pass_duration_seconds_bucket{le="3600"}'), 4);
    assert.equal(sample(text, 'peerscope_crawl_pass_duration_seconds_bucket{le="+Inf"}'), 5);
    assert.equal(sample(text, 'peerscope_crawl_pass_duration_seconds_count'), 5);
    assert.equal(sample(text, 'peerscope_crawl_pass_duration_seconds_sum'), 0.5 + 4 + 20 + 20 + 7200);

    assert.equal(sample(text, 'peerscope_crawl_last_pass_timestamp_seconds'), Date.UTC(2026, 10, 25, 12, 1, 10) / 1000);
    assert.equal(sample(text, 'peerscope_crawl_last_pass_dns_seeds{resolved="true"}'), 1);
    assert.equal(sample(text, 'peerscope_crawl_last_pass_dns_seeds{resolved="false"}'), 2);

    assert.equal(sample(text, 'peerscope_nodes{status="up"}'), 2);
    assert.equal(sample(text, 'peerscope_nodes{status="down"}'), 1);
    assert.equal(sample(text, 'peerscope_nodes{status="unknown"}'), 0);

    assert.equal(sample(text, 'peerscope_alert_deliveries_total{channel="email",outcome="sent"}'), 2);
    assert.equal(sample(text, 'peerscope_alert_deliveries_total{channel="email",outcome="failed"}'), 4, '2 failed attempts + 2 before the retried success');
    assert.equal(sample(text, 'peerscope_alert_deliveries_total{channel="webhook",outcome="suppressed"}'), 1);
    assert.equal(sample(text, 'peerscope_alert_deliveries_total{channel="discord",outcome="sent"}'), 0);
  });

  it('counts API requests by route pattern (never the raw id) and status', async () => {
    const id = await insertNode(database.sql, { ip: '11.0.0.9', status: 'up' });
    const before = await renderMetrics(database.sql);
    const count = (text: string, status: number) =>
      sample(text, `peerscope_api_requests_total{route="/api/nodes/[id]",method="GET",status="${status}"}`) ?? 0;
    assert.equal((await nodeRoute(request(`/api/nodes/${id}`), context({ id }))).status, 200);
    assert.equal((await nodeRoute(request('/api/nodes/99999'), context({ id: '99999' }))).status, 404);
    assert.equal((await nodeRoute(request('/api/nodes/nonsense'), context({ id: 'nonsense' }))).status, 400);
    // Routes without dynamic segments: Next.js passes no params at all.
    assert.equal((await statsRoute(request('/api/stats.json'), { params: undefined } as never)).status, 200);
    assert.equal((await statsRoute(request('/api/stats.json'))).status, 200);
    const { body } = await renderMetrics(database.sql);
    assert.equal(sample(body, 'peerscope_api_requests_total{route="/api/stats.json",method="GET",status="200"}'), 2);
    assert.equal(count(body, 200), count(before.body, 200) + 1);
    assert.equal(count(body, 404), count(before.body, 404) + 1);
    assert.equal(count(body, 400), count(before.body, 400) + 1);
    const routes = new Set([...body.matchAll(/route="([^"]*)"/g)].map((match) => match[1]));
    assert.deepEqual([...routes].filter((route) => /99999|nonsense|\/\d/.test(route!)), [], 'path values never become labels');
    assert.ok(routes.has('/api/nodes/[id]'));
    assert.match(body, /peerscope_api_request_duration_seconds_bucket\{le="[\d.]+",route="\/api\/nodes\/\[id\]"\}/);
  });

  it('still answers, with peerscope_metrics_database_up 0, when the database fails', async () => {
    await database.sql`alter table crawler_runs rename to crawler_runs_away`;
    try {
      const { body } = await renderMetrics(database.sql);
      assert.equal(sample(body, 'peerscope_metrics_database_up'), 0);
      assert.ok(!body.includes('peerscope_crawl_passes_total'));
    } finally {
      await database.sql`alter table crawler_runs_away rename to crawler_runs`;
    }
  });
});
