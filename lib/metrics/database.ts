import { Counter, Gauge, Registry, type MetricObjectWithValues, type MetricType, type MetricValueWithName } from 'prom-client';
import type { Sql } from '../db/client';

/** Upper bounds (seconds) of the crawl pass duration histogram. */
export const PASS_DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];
const PASS_OUTCOMES = ['ok', 'failed', 'aborted'] as const;
const ALERT_CHANNELS = ['email', 'discord', 'webhook'] as const;

interface RunTotals {
  outcome: string;
  passes: number;
  dials_ok: string;
  dials_failed: string;
}

/**
 * A histogram whose bucket counts come from SQL: prom-client's Histogram only observes values one by one, but
 * these are aggregated over the crawler_runs table. Rendered exactly like a prom-client histogram.
 */
class AggregatedHistogram {
  readonly type = 'histogram';
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly data: { buckets: number[]; cumulative: number[]; sum: number; count: number },
  ) {}
  async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const { buckets, cumulative, sum, count } = this.data;
    const values: MetricValueWithName<string>[] = [
      ...buckets.map((le, i) => ({ metricName: `${this.name}_bucket`, labels: { le }, value: cumulative[i]! })),
      { metricName: `${this.name}_bucket`, labels: { le: '+Inf' }, value: count },
      { metricName: `${this.name}_sum`, labels: {}, value: sum },
      { metricName: `${this.name}_count`, labels: {}, value: count },
    ];
    // prom-client's typings say enum, its renderer writes the string.
    return { name: this.name, help: this.help, type: 'histogram' as unknown as MetricType, values, aggregator: 'sum', collect: () => {} };
  }
}

/**
 * Metrics read from the database at scrape time, so they are right whichever process did the work (the crawler
 * writes crawler_runs, the alert processor alert_history) and however many web instances answer scrapes.
 * crawler_runs and alert_history keep their rows, so these counters only grow.
 */
export async function collectDatabaseMetrics(sql: Sql): Promise<Registry> {
  const registry = new Registry();
  const up = new Gauge({ name: 'peerscope_metrics_database_up', help: 'Whether the database answered this scrape (1) or not (0).', registers: [registry] });
  try {
    await addDatabaseMetrics(sql, registry);
    up.set(1);
  } catch (error) {
    console.error('[metrics] database metrics unavailable:', (error as Error).message);
    const failed = new Registry();
    failed.registerMetric(up);
    up.set(0);
    return failed;
  }
  return registry;
}

async function addDatabaseMetrics(sql: Sql, registry: Registry): Promise<void> {
  const thresholds = PASS_DURATION_BUCKETS.map((seconds) => seconds * 1000 + 1);
  const [runs, durations, last, nodes, alerts] = await Promise.all([
    sql<RunTotals[]>`
      select outcome, count(*)::int as passes, coalesce(sum(dialed_ok), 0)::text as dials_ok, coalesce(sum(dialed_failed), 0)::text as dials_failed
      from crawler_runs group by outcome`,
    // width_bucket(d, [le+1 ms…]) = how many bounds lie below d, so d ≤ le_j exactly for the rows with index < j.
    sql<{ index: number; runs: number; total_ms: string }[]>`
      select width_bucket(duration_ms, ${thresholds}::int[]) as index, count(*)::int as runs, sum(duration_ms)::text as total_ms
      from crawler_runs group by 1`,
    sql<{ finished_at: Date; dns_seeds: number; dns_seeds_resolved: number; duration_ms: number }[]>`
      select finished_at, dns_seeds, dns_seeds_resolved, duration_ms from crawler_runs order by finished_at desc, id desc limit 1`,
    sql<{ status: string; count: number }[]>`select status, count(*)::int as count from nodes group by status`,
    sql<{ channel: string; sent: string; failed: string; suppressed: string }[]>`
      select channel,
        count(*) filter (where status = 'sent')::text as sent,
        (coalesce(sum(attempts) filter (where status = 'failed'), 0) + coalesce(sum(attempts - 1) filter (where status = 'sent'), 0))::text as failed,
        count(*) filter (where status = 'suppressed')::text as suppressed
      from alert_history group by channel`,
  ]);

  const passes = new Counter({ name: 'peerscope_crawl_passes_total', help: 'Crawl passes run by the crawler, by outcome.', labelNames: ['outcome'], registers: [registry] });
  const dials = new Counter({ name: 'peerscope_crawl_dials_total', help: 'Peers dialed by the crawler, by outcome (ok: handshake completed).', labelNames: ['outcome'], registers: [registry] });
  for (const outcome of PASS_OUTCOMES) passes.inc({ outcome }, runs.find((row) => row.outcome === outcome)?.passes ?? 0);
  dials.inc({ outcome: 'ok' }, runs.reduce((sum, row) => sum + Number(row.dials_ok), 0));
  dials.inc({ outcome: 'failed' }, runs.reduce((sum, row) => sum + Number(row.dials_failed), 0));

  const count = durations.reduce((sum, row) => sum + row.runs, 0);
  const cumulative = PASS_DURATION_BUCKETS.map((_, j) => durations.filter((row) => row.index <= j).reduce((sum, row) => sum + row.runs, 0));
  const sum = durations.reduce((total, row) => total + Number(row.total_ms), 0) / 1000;
  registry.registerMetric(
    new AggregatedHistogram('peerscope_crawl_pass_duration_seconds', 'Duration of crawl passes.', { buckets: PASS_DURATION_BUCKETS, cumulative, sum, count }) as never,
  );

  const latest = last[0];
  const lastPass = new Gauge({ name: 'peerscope_crawl_last_pass_timestamp_seconds', help: 'When the latest crawl pass finished (unix seconds); absent before the first pass.', registers: [registry] });
  const lastSeeds = new Gauge({ name: 'peerscope_crawl_last_pass_dns_seeds', help: 'DNS seeds asked by the latest crawl pass, by whether they resolved.', labelNames: ['resolved'], registers: [registry] });
  if (latest) {
    lastPass.set(latest.finished_at.getTime() / 1000);
    lastSeeds.set({ resolved: 'true' }, latest.dns_seeds_resolved);
    lastSeeds.set({ resolved: 'false' }, latest.dns_seeds - latest.dns_seeds_resolved);
  }

  const nodeGauge = new Gauge({ name: 'peerscope_nodes', help: 'Known nodes by status.', labelNames: ['status'], registers: [registry] });
  for (const status of new Set(['up', 'down', 'unknown', ...nodes.map((row) => row.status)])) {
    nodeGauge.set({ status }, nodes.find((row) => row.status === status)?.count ?? 0);
  }

  const deliveries = new Counter({
    name: 'peerscope_alert_deliveries_total',
    help: 'Alert delivery attempts by channel and outcome (sent, failed attempts, suppressed by cooldown).',
    labelNames: ['channel', 'outcome'],
    registers: [registry],
  });
  for (const channel of new Set([...ALERT_CHANNELS, ...alerts.map((row) => row.channel)])) {
    const row = alerts.find((candidate) => candidate.channel === channel);
    for (const outcome of ['sent', 'failed', 'suppressed'] as const) deliveries.inc({ channel, outcome }, Number(row?.[outcome] ?? 0));
  }
}
