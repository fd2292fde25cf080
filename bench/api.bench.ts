/**
 * API latency at 100k nodes on the embedded PostgreSQL server (as `npm start`
 * runs it) and, when reachable, on the PostgreSQL at TEST_POSTGRES_URL (default
 * 127.0.0.1:5432), in the same run: a throwaway database seeded with
 * generate_series, then the lib functions behind /api/nodes.json,
 * /api/stats.json and /api/countries.json timed (p50/p95), and the EXPLAIN plans
 * of the node page queries checked for index use, and the route handlers themselves
 * under 20 concurrent in-process clients (req/s, p50, p99, also with a matching
 * If-None-Match) next to issue 13's targets and its measured starting point.
 * Writes bench-results/api.json. `npm run bench -- api`
 * (BENCH_NODES, BENCH_RUNS, BENCH_LOAD_MS, BENCH_CONCURRENCY).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import postgres from 'postgres';
import { getCountries } from '../lib/api/countries';
import { listNodes } from '../lib/api/nodes';
import { nodesQuerySchema } from '../lib/api/schemas';
import { getStats } from '../lib/api/stats';
import { closeSql, createSqlForUrl, type Sql } from '../lib/db/client';
import { takeNetworkSnapshot } from '../lib/snapshots/take';
import { migrate } from '../lib/db/migrate';
import { startBenchEmbeddedServer } from './embedded-server';

const NODES = Number(process.env.BENCH_NODES ?? 100_000);
const LOAD_MS = Number(process.env.BENCH_LOAD_MS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';


function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function time(label: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 3; i += 1) await fn(); // warm up
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { case: label, runs: RUNS, p50_ms: +percentile(samples, 50).toFixed(2), p95_ms: +percentile(samples, 95).toFixed(2) };
}

type RouteHandler = (request: Request) => Promise<Response>;

interface LoadCase {
  route: string;
  path: string;
  handler: RouteHandler;
  /** issue 13's targets */
  target: { rps: number; p99: number };
  /** issue 13's measurement before the work (production server, 20 clients) */
  before: { rps: number; p99: number };
}

/** Keeps `CONCURRENCY` requests in flight for LOAD_MS; req/s and latency percentiles. */
async function hammer(handler: RouteHandler, path: string, headers: Record<string, string> = {}) {
  const latencies: number[] = [];
  let bytes = 0;
  let status = 0;
  const started = performance.now();
  const client = async () => {
    while (performance.now() - started < LOAD_MS) {
      const sent = performance.now();
      const response = await handler(new Request(`http://127.0.0.1${path}`, { headers }));
      const body = await response.arrayBuffer();
      latencies.push(performance.now() - sent);
      bytes = body.byteLength;
      status = response.status;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    status,
    bytes,
    requests: latencies.length,
    rps: +((latencies.length / elapsed) * 1000).toFixed(1),
    p50_ms: +percentile(latencies, 50).toFixed(1),
    p99_ms: +percentile(latencies, 99).toFixed(1),
  };
}

/** The route handlers in this process (no HTTP, no compression) under load, next to the targets. */
async function routeLoad(sql: Sql, databaseUrl: string, server: string) {
  process.env.DATABASE_URL = databaseUrl;
  process.env.RATE_LIMIT_ANONYMOUS_PER_MINUTE = '100000';
  delete process.env.REDIS_URL;
  delete process.env.UPSTASH_REDIS_REST_URL;
  await takeNetworkSnapshot(sql, { now: new Date() });
  const [stats, countries, nodes, latest] = await Promise.all([
    import('../app/api/stats.json/route'),
    import('../app/api/countries.json/route'),
    import('../app/api/nodes.json/route'),
    import('../app/api/v1/snapshots/latest/route'),
  ]);
  const cases: LoadCase[] = [
    { route: 'stats.json', path: '/api/stats.json', handler: stats.GET, target: { rps: 1000, p99: 50 }, before: { rps: 17, p99: 4029 } },
    { route: 'countries.json', path: '/api/countries.json', handler: countries.GET, target: { rps: 1000, p99: 50 }, before: { rps: 24, p99: 1277 } },
    { route: 'nodes.json', path: '/api/nodes.json', handler: nodes.GET, target: { rps: 500, p99: 100 }, before: { rps: 58, p99: 619 } },
    { route: 'v1/snapshots/latest/', path: '/api/v1/snapshots/latest/', handler: latest.GET, target: { rps: 50, p99: 500 }, before: { rps: 2.9, p99: 8124 } },
  ];
  const rows = [];
  for (const item of cases) {
    const fresh = await hammer(item.handler, item.path);
    const etag = (await item.handler(new Request(`http://127.0.0.1${item.path}`))).headers.get('etag');
    const revalidated = etag ? await hammer(item.handler, item.path, { 'if-none-match': etag }) : null;
    rows.push({ ...item, handler: undefined, fresh, revalidated, meets: fresh.rps >= item.target.rps && fresh.p99_ms <= item.target.p99 });
  }
  await closeSql();

  console.log(`\n${server}: route handlers in-process, ${CONCURRENCY} concurrent clients, ${LOAD_MS} ms each (no HTTP, no gzip)\n`);
  console.log(
    `${'route'.padEnd(22)} ${'bytes'.padStart(9)} ${'req/s'.padStart(8)} ${'p50'.padStart(7)} ${'p99'.padStart(7)}  ${'target'.padEnd(18)} ${'vs before'.padEnd(20)} ${'304 req/s'.padStart(9)}`,
  );
  for (const row of rows) {
    const target = `≥${row.target.rps}/s p99≤${row.target.p99}`;
    const ratio = `×${(row.fresh.rps / row.before.rps).toFixed(1)} req/s`;
    console.log(
      `${row.route.padEnd(22)} ${String(row.fresh.bytes).padStart(9)} ${String(row.fresh.rps).padStart(8)} ${String(row.fresh.p50_ms).padStart(7)} ${String(row.fresh.p99_ms).padStart(7)}  ${target.padEnd(18)} ${ratio.padEnd(20)} ${String(row.revalidated?.rps ?? '-').padStart(9)}  ${row.meets ? 'meets' : 'MISSES'}`,
    );
  }
  return rows;
}

type Plan = { case: string; uses_index: boolean; plan: string };
type Result = Awaited<ReturnType<typeof time>>;
type Load = Awaited<ReturnType<typeof routeLoad>>;

async function benchServer(adminUrl: string, server: string): Promise<{ seedMs: number; results: Result[]; plans: Plan[]; load: Load }> {
  const name = `peerscope_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const sql = createSqlForUrl(url.toString(), { maxConnections: 4 });
  try {
    await migrate(sql);
    const seedStarted = performance.now();
    await sql`
      insert into nodes (ip, port, status, protocol_version, user_agent, services, height, country, country_name,
        latitude, longitude, asn, latency_ms, uptime_percentage, reliability, pix_score, tier, rank,
        connected_since, first_seen, last_seen, verified, hidden)
      select '10.' || (g / 65536) % 256 || '.' || (g / 256) % 256 || '.' || g % 256, 8333,
        case when g % 10 < 7 then 'up' when g % 10 < 9 then 'down' else 'unknown' end,
        70015 + g % 2, '/Satoshi:' || (20 + g % 8) || '.0.0/', (g % 1100)::numeric, 870000 - g % 5,
        (array['US','DE','FR','NL','CA','GB','JP','SG','CH','FI'])[1 + g % 10],
        (array['United States','Germany','France','Netherlands','Canada','United Kingdom','Japan','Singapore','Switzerland','Finland'])[1 + g % 10],
        (g % 180) - 89.5, (g % 360) - 179.5, 1000 + g % 5000, 10 + g % 300, g % 101, g % 101, (g * 7919) % 1000,
        (array['diamond','gold','silver','bronze','standard'])[1 + g % 5],
        case when g % 10 < 7 then g end,
        now() - (g % 1000) * interval '1 minute', now() - (g % 5000) * interval '1 hour',
        case when g % 50 = 0 then null else now() - (g % 720) * interval '1 minute' end,
        g % 20 = 0, g % 500 = 0
      from generate_series(1, ${NODES}) g`;
    await sql`
      insert into network_snapshots (taken_at, total_nodes, online_nodes, latest_height, average_latency_ms, average_uptime)
      select now() - g * interval '10 minutes', ${NODES}, ${Math.round(NODES * 0.7)}, 870000, 100, 90
      from generate_series(0, 1007) g`;
    await sql`analyze`;
    const seedMs = Math.round(performance.now() - seedStarted);

    const nodes = (query: Record<string, string>) => () => listNodes(sql, nodesQuerySchema.parse(query));
    const results = [
      await time('nodes.json default (last_seen desc, limit 100)', nodes({})),
      await time('nodes.json limit=500 page=50', nodes({ limit: '500', page: '50' })),
      await time('nodes.json sort=pix_score asc', nodes({ sort: 'pix_score', order: 'asc' })),
      await time('nodes.json sort=tier', nodes({ sort: 'tier' })),
      await time('nodes.json country=DE tier=gold online=true', nodes({ country: 'DE', tier: 'gold', online: 'true' })),
      await time('nodes.json version=Satoshi:27', nodes({ version: 'Satoshi:27' })),
      await time('nodes.json status=unknown', nodes({ status: 'unknown' })),
      await time('nodes.json version_status=outdated', nodes({ version_status: 'outdated' })),
      await time('stats.json (days=7, 1008 snapshots)', () => getStats(sql, { days: 7 })),
      await time('countries.json', () => getCountries(sql, { sort: 'count', online_only: true })),
    ];

    const plans: { case: string; uses_index: boolean; plan: string }[] = [];
    for (const [label, orderBy] of [
      ['last_seen desc', 'last_seen desc nulls last, id'],
      ['last_seen asc', 'last_seen asc nulls last, id'],
      ['pix_score desc', 'pix_score desc nulls last, id'],
      ['pix_score asc', 'pix_score asc nulls last, id'],
      ['uptime asc', 'uptime_percentage asc nulls last, id'],
      ['first_seen asc', 'first_seen asc, id'],
      ['tier desc', 'tier_order desc, pix_score desc nulls last, id'],
    ] as const) {
      const rows = await sql.unsafe(`explain select * from nodes where not hidden order by ${orderBy} limit 100`);
      const plan = rows.map((row) => Object.values(row)[0]).join('\n');
      plans.push({ case: label, uses_index: /Index Scan/.test(plan), plan });
    }
    const leaderboardPlan = (await sql.unsafe(`explain select * from nodes where status = 'up' and not hidden and rank is not null order by rank, id limit 100`))
      .map((row) => Object.values(row)[0]).join('\n');
    plans.push({ case: 'leaderboard', uses_index: /Index Scan/.test(leaderboardPlan), plan: leaderboardPlan });

    const load = await routeLoad(sql, url.toString(), server);
    return { seedMs, results, plans, load };
  } finally {
    await sql.end({ timeout: 5 });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  }
}

async function reachable(adminUrl: string): Promise<boolean> {
  const probe = postgres(adminUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await probe`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await probe.end({ timeout: 1 });
  }
}

const runs: { server: string; seedMs: number; results: Result[]; plans: Plan[]; load: Load }[] = [];
const embedded = await startBenchEmbeddedServer();
try {
  runs.push({ server: 'embedded', ...(await benchServer(embedded.url, 'embedded')) });
} finally {
  await embedded.stop();
}
if (await reachable(ADMIN_URL)) runs.push({ server: 'postgres', ...(await benchServer(ADMIN_URL, 'postgres')) });
else console.log(`PostgreSQL at ${ADMIN_URL} is not reachable: skipped.`);

console.log(`\nAPI latency, ${NODES} nodes, ${RUNS} runs each (seeded in ${runs.map((run) => `${run.seedMs} ms on ${run.server}`).join(', ')})\n`);
console.log(`${'case'.padEnd(48)} ${runs.map((run) => `${run.server} p50`.padStart(14) + `${run.server} p95`.padStart(14)).join('')}`);
for (const [index, row] of runs[0]!.results.entries()) {
  const cells = runs.map((run) => String(run.results[index]!.p50_ms).padStart(14) + String(run.results[index]!.p95_ms).padStart(14));
  console.log(`${row.case.padEnd(48)} ${cells.join('')}`);
}
console.log('\nindex use of the page queries:');
for (const run of runs) {
  for (const plan of run.plans) console.log(`  ${run.server.padEnd(9)} ${plan.case.padEnd(16)} ${plan.uses_index ? 'index scan' : 'NO INDEX'}  ${plan.plan.split('\n').find((l) => /Scan/.test(l))?.trim()}`);
}

mkdirSync('bench-results', { recursive: true });
writeFileSync(
  'bench-results/api.json',
  `${JSON.stringify({ nodes: NODES, runs: RUNS, servers: runs.map((run) => ({ server: run.server, seed_ms: run.seedMs, results: run.results, plans: run.plans, load: run.load })), at: new Date().toISOString() }, null, 2)}\n`,
);
console.log('\nwrote bench-results/api.json');
if (runs.some((run) => run.plans.some((plan) => !plan.uses_index))) process.exitCode = 1;
