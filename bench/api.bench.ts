/**
 * API at scale (issue 13). For each size in BENCH_SIZES (default 10k, 100k, 1M
 * nodes) on each server in BENCH_SERVERS (`postgres`: TEST_POSTGRES_URL, default
 * 127.0.0.1:5432; `embedded`: the embedded PostgreSQL as `npm start` runs it), in a
 * throwaway database seeded set-based (generate_series):
 *
 * - the snapshot writer's time (aggregates, counts, serialised and compressed bodies);
 * - EXPLAIN (FORMAT JSON) of the nodes.json page query for every filter × sort ×
 *   order × page, and of its exact count for filters the stored counts do not
 *   cover: any sequential scan on nodes is printed and fails the run;
 * - the route handlers in-process under BENCH_CONCURRENCY (20) clients for
 *   BENCH_LOAD_MS each: req/s, p50, p99, 304 req/s, and the database work per
 *   request (statements, rows, buffers from pg_stat_database of the throwaway
 *   database), printed as a 10k / 100k / 1M table to show it stays flat;
 * - at 100k on the first server: the same routes through the real HTTP server (the
 *   production build behind scripts/web-server.ts, as `npm start` runs it; built
 *   first when missing or stale), also with its API fast path off (through Next.js'
 *   router), and the home page in Chromium (Playwright).
 *
 * Targets are printed next to the results with the ratio to issue 13's measured
 * starting point. Writes bench-results/api.json; exits 1 on a sequential scan.
 * `npm run bench -- api` (BENCH_SIZES=10000,100000, BENCH_SERVERS=postgres,embedded,
 * BENCH_LOAD_MS, BENCH_CONCURRENCY, BENCH_HTTP=0 to skip HTTP and the browser).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import postgres from 'postgres';
import { clearResponseCache } from '../lib/api/response-cache';
import { clearSnapshotCache } from '../lib/api/snapshot-cache';
import { closeSql, createSqlForUrl, type Sql } from '../lib/db/client';
import { migrate } from '../lib/db/migrate';
import { newPeerKey, PEER_HEADER, PEER_KEY_ENV, peerHeaderValue } from '../lib/http/client-ip';
import { takeNetworkSnapshot } from '../lib/snapshots/take';
import { productionBuildIsStale } from '../scripts/lib/build-freshness';
import { withBuildLock } from '../scripts/lib/build-lock';
import { launchBrowser } from '../tests/helpers/browser';
import { freePort, startProcess, waitForHttp } from '../tests/helpers/processes';
import { startBenchEmbeddedServer } from './embedded-server';
import { checkNodePlans, type PlanCheck } from './lib/node-plans';
import { seedBenchNodes } from './lib/seed-nodes';

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number).filter((size) => size > 0);
const SERVERS = (process.env.BENCH_SERVERS ?? 'postgres,embedded').split(',').map((name) => name.trim());
const LOAD_MS = Number(process.env.BENCH_LOAD_MS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const HTTP = process.env.BENCH_HTTP !== '0';
/** Unmeasured load before each HTTP case. */
const WARM_UP_MS = 500;
/** The size at which the HTTP server and the browser are measured. */
const HTTP_NODES = Number(process.env.BENCH_HTTP_NODES ?? 100_000);
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BROWSER_ACCEPT = 'gzip, deflate, br, zstd';

process.env[PEER_KEY_ENV] ??= newPeerKey();
process.env.RATE_LIMIT_ANONYMOUS_PER_MINUTE = '100000';
delete process.env.REDIS_URL;
delete process.env.UPSTASH_REDIS_REST_URL;

interface Target {
  rps: number;
  p99: number;
}

/** Issue 13's routes, targets and measured starting point (production server, 20 clients, 100k nodes). */
interface LoadCase {
  name: string;
  path: string;
  headers?: Record<string, string>;
  target?: Target;
  before?: Target;
  /** Environment for this case (in-process only). */
  env?: Record<string, string>;
  /** Not run through the HTTP server (its environment is the production one). */
  inProcessOnly?: boolean;
  /** Skipped above this many nodes (a 79 MB body 20 times at once at 1M measures memory copies, not the API). */
  maxNodes?: number;
  module: () => Promise<{ GET: (request: Request) => Promise<Response> }>;
}

const NODES_ROUTE = () => import('../app/api/nodes.json/route');
const NODES_TARGET = { rps: 500, p99: 100 };
const NODES_BEFORE = { rps: 58, p99: 619 };
const BR = { 'accept-encoding': BROWSER_ACCEPT };
/** nodes.json without the 1 s response cache: every request runs the page query. */
const UNCACHED = { API_RESPONSE_CACHE_MS: '0' };

const CASES: LoadCase[] = [
  { name: 'stats.json', path: '/api/stats.json', headers: BR, target: { rps: 1000, p99: 50 }, before: { rps: 17, p99: 4029 }, module: () => import('../app/api/stats.json/route') },
  { name: 'countries.json', path: '/api/countries.json', headers: BR, target: { rps: 1000, p99: 50 }, before: { rps: 24, p99: 1277 }, module: () => import('../app/api/countries.json/route') },
  { name: 'nodes.json', path: '/api/nodes.json', headers: BR, target: NODES_TARGET, before: NODES_BEFORE, module: NODES_ROUTE },
  { name: 'nodes.json identity', path: '/api/nodes.json', target: NODES_TARGET, before: NODES_BEFORE, module: NODES_ROUTE },
  { name: 'nodes.json page 2', path: '/api/nodes.json?page=2', headers: BR, target: NODES_TARGET, module: NODES_ROUTE },
  { name: 'nodes.json DE gold up', path: '/api/nodes.json?country=DE&tier=gold&online=true&sort=pix_score', headers: BR, target: NODES_TARGET, module: NODES_ROUTE },
  { name: 'nodes.json uncached', path: '/api/nodes.json', headers: BR, env: UNCACHED, inProcessOnly: true, target: NODES_TARGET, before: NODES_BEFORE, module: NODES_ROUTE },
  { name: 'nodes.json DE gold up unc.', path: '/api/nodes.json?country=DE&tier=gold&online=true&sort=pix_score', headers: BR, env: UNCACHED, inProcessOnly: true, target: NODES_TARGET, module: NODES_ROUTE },
  { name: 'nodes.json version= unc.', path: '/api/nodes.json?version=Satoshi:27&sort=uptime_percentage&order=asc', headers: BR, env: UNCACHED, inProcessOnly: true, target: NODES_TARGET, module: NODES_ROUTE },
  { name: 'nodes.json p10 unc.', path: '/api/nodes.json?page=10&sort=tier', headers: BR, env: UNCACHED, inProcessOnly: true, target: NODES_TARGET, module: NODES_ROUTE },
  { name: 'snapshots/latest br', path: '/api/v1/snapshots/latest/', headers: BR, target: { rps: 50, p99: 500 }, before: { rps: 2.9, p99: 8124 }, module: () => import('../app/api/v1/snapshots/latest/route') },
  { name: 'snapshots/latest identity', path: '/api/v1/snapshots/latest/', maxNodes: 100_000, target: { rps: 50, p99: 500 }, before: { rps: 2.9, p99: 8124 }, module: () => import('../app/api/v1/snapshots/latest/route') },
];

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN;
}

interface LoadResult {
  requests: number;
  statuses: Record<string, number>;
  bytes: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  /** CPU time per request of the answering process(es) (user + system): the work, whatever the machine's load */
  cpu_ms_per_request: number;
}

/** Keeps CONCURRENCY requests in flight for LOAD_MS: req/s and latency percentiles. */
async function load(send: (client: number) => Promise<{ status: number; bytes: number }>, cpuMs: () => number = ownCpuMs, durationMs = LOAD_MS): Promise<LoadResult> {
  const cpuBefore = cpuMs();
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let bytes = 0;
  const started = performance.now();
  const client = async (index: number) => {
    while (performance.now() - started < durationMs) {
      const sent = performance.now();
      const answer = await send(index);
      latencies.push(performance.now() - sent);
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      bytes = answer.bytes;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, index) => client(index)));
  const elapsed = performance.now() - started;
  const cpu = cpuMs() - cpuBefore;
  latencies.sort((a, b) => a - b);
  return {
    cpu_ms_per_request: +(cpu / Math.max(1, latencies.length)).toFixed(3),
    requests: latencies.length,
    statuses,
    bytes,
    rps: +((latencies.length / elapsed) * 1000).toFixed(1),
    p50_ms: +percentile(latencies, 50).toFixed(1),
    p99_ms: +percentile(latencies, 99).toFixed(1),
  };
}

/** This process's CPU time in ms (in-process runs: handlers and load generator together). */
function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** CPU time in ms of a process and all its descendants (the web server: tsx and the node process it runs), from /proc. */
function treeCpuMs(rootPid: number): number {
  const ticks = 100; // USER_HZ on Linux
  const parents = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      cpu.set(Number(entry), ((Number(fields[11]) + Number(fields[12])) / ticks) * 1000);
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const inTree = (pid: number): boolean => {
    for (let current = pid, hops = 0; current > 1 && hops < 64; current = parents.get(current) ?? 0, hops += 1) if (current === rootPid) return true;
    return false;
  };
  for (const [pid, ms] of cpu) if (inTree(pid)) total += ms;
  return total;
}

/** Each client its own address, so the anonymous rate limit (one bucket per address) never bites. */
function clientHeaders(client: number): Record<string, string> {
  return { [PEER_HEADER]: peerHeaderValue(process.env[PEER_KEY_ENV]!, `198.18.0.${client + 1}`, 'http') };
}

interface DatabaseWork {
  statements: number;
  rows: number;
  buffers: number;
}

async function databaseCounters(admin: Sql, name: string): Promise<DatabaseWork> {
  const [row] = await admin<{ statements: string; rows: string; buffers: string }[]>`
    select xact_commit + xact_rollback as statements, tup_returned + tup_fetched as rows, blks_hit + blks_read as buffers
    from pg_stat_database where datname = ${name}`;
  return { statements: Number(row?.statements ?? 0), rows: Number(row?.rows ?? 0), buffers: Number(row?.buffers ?? 0) };
}

interface InProcessRow {
  name: string;
  fresh: LoadResult;
  revalidated: LoadResult | null;
  per_request: DatabaseWork;
}

/** The route handlers in this process, one case after the other; database work per request from pg_stat_database. */
async function inProcessLoad(url: string, admin: Sql, name: string, nodes: number): Promise<InProcessRow[]> {
  process.env.DATABASE_URL = url;
  const rows: InProcessRow[] = [];
  for (const item of CASES.filter((candidate) => candidate.maxNodes === undefined || nodes <= candidate.maxNodes)) {
    const { GET } = await item.module();
    process.env.API_RESPONSE_CACHE_MS = item.env?.API_RESPONSE_CACHE_MS ?? '1000'; // as in production
    clearResponseCache();
    const send = (headers: Record<string, string>) => async (client: number) => {
      const response = await GET(new Request(`http://127.0.0.1${item.path}`, { headers: { ...clientHeaders(client), ...item.headers, ...headers } }));
      return { status: response.status, bytes: (await response.arrayBuffer()).byteLength };
    };
    await closeSql(); // backends flush their statistics when they exit
    clearSnapshotCache();
    await send({})(0); // warm: the per-snapshot caches fill once per process, as on a server
    await closeSql();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = await databaseCounters(admin, name);
    const fresh = await load(send({}));
    await closeSql();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await databaseCounters(admin, name);
    const etag = (await GET(new Request(`http://127.0.0.1${item.path}`, { headers: { ...clientHeaders(0), ...item.headers } }))).headers.get('etag');
    const revalidated = etag ? await load(send({ 'if-none-match': etag })) : null;
    const per = (value: number) => +(value / Math.max(1, fresh.requests)).toFixed(3);
    rows.push({
      name: item.name,
      fresh,
      revalidated,
      per_request: {
        statements: per(after.statements - before.statements),
        rows: per(after.rows - before.rows),
        buffers: per(after.buffers - before.buffers),
      },
    });
  }
  await closeSql();
  return rows;
}

/** The production build (as `npm start` makes it) when missing or stale. */
async function ensureProductionBuild(): Promise<void> {
  const root = process.cwd();
  if (!productionBuildIsStale(root)) return;
  await withBuildLock(root, () => {
    if (!productionBuildIsStale(root)) return;
    console.log('building the web app for the HTTP benchmark…');
    const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
      stdio: 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
    if (result.status !== 0) throw new Error('next build failed');
  });
}

interface HttpRow {
  name: string;
  fresh: LoadResult;
  revalidated: LoadResult | null;
  content_encoding: string | null;
  /** The body, decoded once per its Content-Encoding, is JSON (no double compression on the way). */
  decodes: boolean;
}

function decodesToJson(url: string, headers: Record<string, string>): Promise<boolean> {
  return new Promise((resolve) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            const raw = Buffer.concat(chunks);
            const coding = response.headers['content-encoding'];
            const body = coding === 'br' ? brotliDecompressSync(raw) : coding === 'gzip' ? gunzipSync(raw) : raw;
            JSON.parse(body.toString('utf8'));
            resolve(true);
          } catch {
            resolve(false);
          }
        });
      })
      .on('error', () => resolve(false));
  });
}

function httpGet(agent: http.Agent, localAddress: string, url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; bytes: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const request = http.request(url, { agent, localAddress, headers }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes, headers: response.headers }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

/** The same cases through the real HTTP server; every client its own loopback address and keep-alive connection. */
async function httpLoad(base: string, serverPid: number, include: (name: string) => boolean): Promise<HttpRow[]> {
  const serverCpu = () => treeCpuMs(serverPid);
  const agents = Array.from({ length: CONCURRENCY }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const address = (client: number) => `127.0.0.${client + 2}`;
  const rows: HttpRow[] = [];
  try {
    for (const item of CASES.filter((candidate) => !candidate.inProcessOnly && include(candidate.name))) {
      const headers = item.headers ?? {};
      const first = await httpGet(agents[0]!, address(0), `${base}${item.path}`, headers);
      const decodes = await decodesToJson(`${base}${item.path}`, headers);
      const send = (extra: Record<string, string>) => (client: number) => httpGet(agents[client]!, address(client), `${base}${item.path}`, { ...headers, ...extra });
      await load(send({}), serverCpu, WARM_UP_MS); // JIT and connections warm, not measured
      const fresh = await load(send({}), serverCpu);
      const etag = first.headers.etag;
      const revalidated = typeof etag === 'string' ? await load(send({ 'if-none-match': etag }), serverCpu) : null;
      rows.push({ name: item.name, fresh, revalidated, content_encoding: (first.headers['content-encoding'] as string | undefined) ?? null, decodes });
    }
  } finally {
    for (const agent of agents) agent.destroy();
  }
  return rows;
}

/** Home page load time in Chromium: the first view (caches cold) and the median of the next five. */
async function homePageTiming(base: string): Promise<{ first_ms: number; median_ms: number; runs_ms: number[] }> {
  const browser = await launchBrowser();
  try {
    const times: number[] = [];
    for (let run = 0; run < 6; run += 1) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const started = performance.now();
      const response = await page.goto(`${base}/`, { waitUntil: 'load' });
      if (response?.status() !== 200) throw new Error(`home page answered ${response?.status()}`);
      await page.getByRole('heading', { name: 'Network overview' }).waitFor();
      times.push(Math.round(performance.now() - started));
      await context.close();
    }
    const rest = times.slice(1).sort((a, b) => a - b);
    return { first_ms: times[0]!, median_ms: rest[Math.floor(rest.length / 2)]!, runs_ms: times };
  } finally {
    await browser.close();
  }
}

/** The main routes, also measured through Next.js' router (the web server's fast path off) for comparison. */
const VIA_NEXT_CASES = new Set(['stats.json', 'countries.json', 'nodes.json', 'snapshots/latest br']);

async function httpAndBrowser(url: string) {
  const fast = await httpRun(url, true);
  const viaNext = await httpRun(url, false);
  return { ...fast, via_next: viaNext.rows };
}

async function httpRun(url: string, fastPath: boolean) {
  await ensureProductionBuild();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = startProcess(process.execPath, [path.join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/web-server.ts', '--port', String(port), '--hostname', '127.0.0.1'], {
    ...process.env,
    DATABASE_URL: url,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    PEERSCOPE_API_FAST_PATH: fastPath ? '1' : '0',
  });
  try {
    await waitForHttp(`${base}/api/health`, { process: server, timeoutMs: 120_000 });
    const home = fastPath ? await homePageTiming(base) : null;
    const rows = await httpLoad(base, server.child.pid!, fastPath ? () => true : (name) => VIA_NEXT_CASES.has(name));
    return { rows, home };
  } finally {
    await server.stop(10_000);
  }
}

interface SizeRun {
  server: string;
  nodes: number;
  seed_ms: number;
  snapshot_ms: number;
  snapshot_body_bytes: Record<string, number>;
  plans: PlanCheck[];
  in_process: InProcessRow[];
  http?: Awaited<ReturnType<typeof httpAndBrowser>>;
  load_average: number[];
}

async function benchSize(adminUrl: string, server: string, nodes: number, withHttp: boolean): Promise<SizeRun> {
  const name = `peerscope_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} }) as unknown as Sql;
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const sql = createSqlForUrl(url.toString(), { maxConnections: 4 });
  try {
    await migrate(sql);
    console.log(`[${server} ${nodes}] seeding…`);
    const seedStarted = performance.now();
    await seedBenchNodes(sql, nodes);
    const seedMs = Math.round(performance.now() - seedStarted);
    const snapshotStarted = performance.now();
    await takeNetworkSnapshot(sql, { now: new Date() });
    const snapshotMs = Math.round(performance.now() - snapshotStarted);
    const bodies = await sql<{ field: string; body: number; gzip: number; br: number }[]>`
      select field, octet_length(body) as body, octet_length(body_gzip) as gzip, octet_length(body_br) as br from snapshot_bodies`;
    const bodyBytes = Object.fromEntries(bodies.flatMap((row) => [[`${row.field || 'nodes'}`, row.body], [`${row.field || 'nodes'}.gz`, row.gzip], [`${row.field || 'nodes'}.br`, row.br]]));
    console.log(`[${server} ${nodes}] seeded in ${seedMs} ms, snapshot written in ${snapshotMs} ms; checking plans…`);
    const plans = await checkNodePlans(sql);
    console.log(`[${server} ${nodes}] ${plans.length} plans, ${plans.filter((plan) => plan.seq_scan).length} with a sequential scan; route load…`);
    const inProcess = await inProcessLoad(url.toString(), admin, name, nodes);
    const http = withHttp ? await httpAndBrowser(url.toString()) : undefined;
    return { server, nodes, seed_ms: seedMs, snapshot_ms: snapshotMs, snapshot_body_bytes: bodyBytes, plans, in_process: inProcess, http, load_average: loadavg().map((value) => +value.toFixed(2)) };
  } finally {
    await closeSql();
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

const pad = (value: unknown, width: number) => String(value).padStart(width);

function printLoadTable(title: string, rows: { name: string; fresh: LoadResult; revalidated: LoadResult | null }[], extra?: (name: string) => string) {
  console.log(`\n${title}`);
  console.log(`${'route'.padEnd(26)} ${pad('bytes', 9)} ${pad('req/s', 8)} ${pad('p50', 7)} ${pad('p99', 7)} ${pad('cpu ms', 7)}  ${'target'.padEnd(16)} ${'vs issue'.padEnd(26)} ${pad('304/s', 7)}  verdict`);
  for (const row of rows) {
    const item = CASES.find((candidate) => candidate.name === row.name)!;
    const target = item.target ? `≥${item.target.rps}/s p99≤${item.target.p99}` : '-';
    const versus = item.before ? `×${(row.fresh.rps / item.before.rps).toFixed(1)} req/s, p99 ÷${(item.before.p99 / row.fresh.p99_ms).toFixed(1)}` : '';
    const errors = Object.entries(row.fresh.statuses).filter(([status]) => status !== '200');
    const verdict = errors.length ? `ERRORS ${JSON.stringify(Object.fromEntries(errors))}` : item.target ? (row.fresh.rps >= item.target.rps && row.fresh.p99_ms <= item.target.p99 ? 'meets' : 'misses') : '';
    console.log(
      `${row.name.padEnd(26)} ${pad(row.fresh.bytes, 9)} ${pad(row.fresh.rps, 8)} ${pad(row.fresh.p50_ms, 7)} ${pad(row.fresh.p99_ms, 7)} ${pad(row.fresh.cpu_ms_per_request, 7)}  ${target.padEnd(16)} ${versus.padEnd(26)} ${pad(row.revalidated?.rps ?? '-', 7)}  ${verdict}${extra ? ` ${extra(row.name)}` : ''}`,
    );
  }
}

const runs: SizeRun[] = [];
let httpDone = !HTTP;
for (const server of SERVERS) {
  let adminUrl: string;
  let stop: (() => Promise<void>) | null = null;
  if (server === 'embedded') {
    const embedded = await startBenchEmbeddedServer();
    adminUrl = embedded.url;
    stop = () => embedded.stop();
  } else if (server === 'postgres') {
    if (!(await reachable(ADMIN_URL))) {
      console.log(`PostgreSQL at ${ADMIN_URL} is not reachable: skipped.`);
      continue;
    }
    adminUrl = ADMIN_URL;
  } else {
    console.log(`unknown server ${server}: skipped (postgres, embedded)`);
    continue;
  }
  try {
    for (const nodes of SIZES) {
      const withHttp = !httpDone && nodes === HTTP_NODES;
      let run: SizeRun;
      try {
        run = await benchSize(adminUrl, server, nodes, withHttp);
      } catch (error) {
        console.log(`[${server} ${nodes}] FAILED: ${(error as Error).stack ?? error}`);
        process.exitCode = 1;
        continue;
      }
      if (withHttp) httpDone = true;
      runs.push(run);
      printLoadTable(
        `${server}, ${nodes} nodes: route handlers in-process, ${CONCURRENCY} clients, ${LOAD_MS} ms each (load average ${run.load_average.join(' ')})`,
        run.in_process,
      );
      if (run.http) {
        printLoadTable(
          `${server}, ${nodes} nodes: through the HTTP server (production build, scripts/web-server.ts with its API fast path), ${CONCURRENCY} keep-alive clients`,
          run.http.rows,
          (name) => {
            const row = run.http!.rows.find((candidate) => candidate.name === name);
            return `[${row?.content_encoding ?? 'identity'}${row?.decodes ? '' : ', DOES NOT DECODE TO JSON'}]`;
          },
        );
        printLoadTable(
          `${server}, ${nodes} nodes: the same through Next.js' router (PEERSCOPE_API_FAST_PATH=0), for comparison`,
          run.http.via_next,
          (name) => `[${run.http!.via_next.find((row) => row.name === name)?.content_encoding ?? 'identity'}]`,
        );
        const home = run.http.home!;
        console.log(`\nhome page in Chromium (target ≤ 1000 ms): first view ${home.first_ms} ms, median of the next five ${home.median_ms} ms (${home.runs_ms.join(', ')})`);
      }
    }
  } finally {
    await stop?.();
  }
}

console.log('\nwork per request, in-process: p50 latency · CPU ms of this process (handlers and load generator) · SQL statements · rows read · buffers touched (pg_stat_database of the throwaway database). Flat from 10k to 1M = the request does no work that grows with the network.');
for (const server of [...new Set(runs.map((run) => run.server))]) {
  const sized = runs.filter((run) => run.server === server);
  console.log(`\n${server}: ${'route'.padEnd(26)} ${sized.map((run) => pad(`${run.nodes / 1000}k: p50 · cpu · stmts · rows · bufs`, 44)).join('')}`);
  for (const item of CASES) {
    const cells = sized.map((run) => {
      const row = run.in_process.find((candidate) => candidate.name === item.name)!;
      if (!row) return pad('-', 44);
      return pad(`${row.fresh.p50_ms} ms · ${row.fresh.cpu_ms_per_request} · ${row.per_request.statements} · ${row.per_request.rows} · ${row.per_request.buffers}`, 44);
    });
    console.log(`${' '.repeat(server.length + 2)}${item.name.padEnd(26)} ${cells.join('')}`);
  }
  console.log(`${' '.repeat(server.length + 2)}${'snapshot writer'.padEnd(26)} ${sized.map((run) => pad(`${run.snapshot_ms} ms (body ${((run.snapshot_body_bytes.nodes ?? 0) / 1e6).toFixed(1)} MB, br ${((run.snapshot_body_bytes['nodes.br'] ?? 0) / 1e6).toFixed(2)} MB)`, 44)).join('')}`);
  console.log(`${' '.repeat(server.length + 2)}${'seeding'.padEnd(26)} ${sized.map((run) => pad(`${run.seed_ms} ms`, 44)).join('')}`);
}

console.log('\nplans of nodes.json (EXPLAIN, every filter × sort × order × page, and exact counts):');
let seqScans = 0;
for (const run of runs) {
  const bad = run.plans.filter((plan) => plan.seq_scan);
  seqScans += bad.length;
  console.log(`  ${run.server} ${run.nodes}: ${run.plans.length} plans, ${bad.length} with a sequential scan on nodes`);
  for (const plan of bad) console.log(`    SEQ SCAN ${plan.kind} ${plan.case}: ${plan.nodes_access.join(' + ')}`);
}

mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/api.json', `${JSON.stringify({ sizes: SIZES, concurrency: CONCURRENCY, load_ms: LOAD_MS, runs, at: new Date().toISOString() }, null, 2)}\n`);
console.log('\nwrote bench-results/api.json');
const undecodable = runs.flatMap((run) => [...(run.http?.rows ?? []), ...(run.http?.via_next ?? [])]).filter((row) => !row.decodes);
if (undecodable.length) console.log(`\nNOT JSON after one decode over HTTP: ${undecodable.map((row) => row.name).join(', ')}`);
if (seqScans > 0 || undecodable.length) process.exitCode = 1;
