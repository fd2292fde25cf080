/**
 * nodes.json search and filters at 100k nodes (issue 15): `q`, `asn`, `network` and
 * `services`, alone and combined, on the embedded PostgreSQL server (as `npm start`
 * runs it) and, when reachable, the PostgreSQL at TEST_POSTGRES_URL. For each case:
 * the EXPLAIN of the page query (target: an index, no sequential scan of nodes) and of
 * a filtered count, and listNodes p50/p95 (the whole nodes.json work). Also the
 * stats.json breakdowns' cost per snapshot, and what the new indexes add to rewriting
 * every node row (a crawl pass's updates). Writes bench-results/node-search.json.
 * `npm run bench -- node-search` (BENCH_NODES, BENCH_RUNS).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import postgres from 'postgres';
import { computeStatsBreakdowns } from '../lib/api/breakdowns';
import { nodeSearchConditions } from '../lib/api/node-search';
import { listNodes } from '../lib/api/nodes';
import { nodesQuerySchema } from '../lib/api/schemas';
import { createSqlForUrl, type Sql } from '../lib/db/client';
import { migrate } from '../lib/db/migrate';
import { startBenchEmbeddedServer } from './embedded-server';

const NODES = Number(process.env.BENCH_NODES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TARGET_P95_MS = 150;

const CASES: [string, Record<string, string>][] = [
  ['q=host-4242 (one hostname)', { q: 'host-4242' }],
  ['q=hetzner (an organisation, ~4%)', { q: 'hetzner' }],
  ['q=knots (user agents, ~5%)', { q: 'knots' }],
  ['q=10.1.2 (addresses)', { q: '10.1.2' }],
  ['asn=AS24940', { asn: 'AS24940' }],
  ['network=onion (~3%)', { network: 'onion' }],
  ['network=i2p (~0.5%)', { network: 'i2p' }],
  ['services=NODE_P2P_V2 (~20%)', { services: 'NODE_P2P_V2' }],
  ['services=NODE_BLOOM (~2%)', { services: 'NODE_BLOOM' }],
  ['q=satoshi&asn&services&online', { q: 'satoshi', asn: '24940', services: 'NODE_WITNESS', online: 'true' }],
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function time(fn: () => Promise<unknown>) {
  for (let i = 0; i < 2; i += 1) await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50_ms: +percentile(samples, 50).toFixed(1), p95_ms: +percentile(samples, 95).toFixed(1) };
}

async function plan(sql: Sql, statement: ReturnType<Sql>) {
  const rows = (await sql`explain ${statement}`) as unknown as Record<string, string>[];
  const text = rows.map((row) => Object.values(row)[0]).join('\n');
  return { seq_scan: /Seq Scan on nodes/.test(text), scan: text.split('\n').find((line) => /Scan/.test(line))?.trim() ?? '' };
}

async function benchServer(adminUrl: string, server: string) {
  const name = `peerscope_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const sql = createSqlForUrl(url.toString(), { maxConnections: 4 });
  try {
    await migrate(sql);
    const seeded = performance.now();
    await sql`
      insert into nodes (ip, port, network, status, protocol_version, user_agent, services, height, country, country_name, region,
        asn, organization_name, hostname, latency_ms, uptime_percentage, reliability, pix_score, tier, first_seen, last_seen, hidden)
      select case when g % 200 < 180 then '10.' || (g / 65536) % 256 || '.' || (g / 256) % 256 || '.' || g % 256
                  when g % 200 < 192 then '2001:db8::' || to_hex(g)
                  when g % 200 < 198 then md5(g::text) || 'abcdefghijklmnopqrstuvwx.onion'
                  when g % 200 < 199 then md5(g::text) || 'abcdefghijklmnopqrstu.b32.i2p'
                  else 'fc00::' || to_hex(g) end,
        8333,
        case when g % 200 < 180 then 'ipv4' when g % 200 < 192 then 'ipv6' when g % 200 < 198 then 'onion' when g % 200 < 199 then 'i2p' else 'cjdns' end,
        case when g % 10 < 7 then 'up' when g % 10 < 9 then 'down' else 'unknown' end,
        70015 + g % 2,
        case when g % 20 = 0 then '/Satoshi:27.0.0/Knots:20240801/' else '/Satoshi:' || (20 + g % 8) || '.0.0/' end,
        (array[1033, 1033, 1033, 3145, 1037, 9, 1033, 3145, 1033, 1033])[1 + g % 10]::numeric * case when g % 50 = 0 then 1 else 1 end
          + case when g % 50 = 1 then 4 else 0 end,
        870000 - g % 5,
        (array['US','DE','FR','NL','CA'])[1 + g % 5], (array['United States','Germany','France','Netherlands','Canada'])[1 + g % 5],
        (array['Virginia','Hesse','Île-de-France','North Holland','Ontario'])[1 + g % 5],
        case when g % 25 = 0 then 24940 else 1000 + g % 3000 end,
        case when g % 25 = 0 then 'Hetzner Online GmbH' else 'Org ' || (1000 + g % 3000) end,
        case when g % 3 = 0 then 'host-' || g || '.example.net' end,
        10 + g % 300, g % 101, g % 101, (g * 7919) % 1000,
        (array['diamond','gold','silver','bronze','standard'])[1 + g % 5],
        now() - (g % 5000) * interval '1 hour', case when g % 50 = 0 then null else now() - (g % 720) * interval '1 minute' end,
        g % 500 = 0
      from generate_series(1, ${NODES}) g`;
    await sql`analyze nodes`;
    const seedMs = Math.round(performance.now() - seeded);
    const results = [];
    for (const [label, raw] of CASES) {
      const query = nodesQuerySchema.parse(raw);
      const where = sql`not hidden ${nodeSearchConditions(sql, query)} ${query.online ? sql`and status = 'up'` : sql``}`;
      const page = await plan(sql, sql`select id from nodes where ${where} order by last_seen desc nulls last, id limit 100`);
      const count = await plan(sql, sql`select count(*) from nodes where ${where}`);
      const [counted] = await sql<{ total: number }[]>`select count(*)::int as total from nodes where ${where}`;
      const total = counted?.total ?? 0;
      const timing = await time(() => listNodes(sql, query));
      results.push({ case: label, matches: total, page_plan: page, count_plan: count, list_nodes: timing });
    }
    const breakdowns = await time(() => computeStatsBreakdowns(sql));
    // What the search machinery costs a crawl pass: every node's row rewritten as a pass does (last_seen,
    // status, the handshake's user agent and services unchanged), with the node_search trigger and the
    // network index and without them (median of 3 each).
    const rewrite = async () => {
      const samples: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const started = performance.now();
        await sql`update nodes set last_seen = last_seen + interval '1 second', status = status, user_agent = user_agent, services = services`;
        samples.push(performance.now() - started);
        await sql`vacuum nodes`;
      }
      return +samples.sort((a, b) => a - b)[1]!.toFixed(0);
    };
    const withIndexes = await rewrite();
    await sql`drop trigger node_search_on_update on nodes`;
    await sql`drop index nodes_network_idx`;
    const withoutIndexes = await rewrite();
    const writeCost = { update_all_ms_with: withIndexes, update_all_ms_without: withoutIndexes, extra_us_per_row: +(((withIndexes - withoutIndexes) * 1000) / NODES).toFixed(1) };
    return { server, seed_ms: seedMs, results, breakdowns, write_cost: writeCost };
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

const load = loadavg().map((value) => value.toFixed(2)).join(' ');
const runs = [];
const embedded = await startBenchEmbeddedServer();
try {
  runs.push(await benchServer(embedded.url, 'embedded'));
} finally {
  await embedded.stop();
}
if (await reachable(ADMIN_URL)) runs.push(await benchServer(ADMIN_URL, 'postgres'));
else console.log(`PostgreSQL at ${ADMIN_URL} is not reachable: skipped.`);

console.log(`\nnodes.json search and filters, ${NODES} nodes, ${RUNS} runs each; load average at start ${load}`);
console.log(`targets: the page query uses an index (no Seq Scan on nodes); listNodes p95 ≤ ${TARGET_P95_MS} ms\n`);
let missed = false;
for (const run of runs) {
  console.log(`${run.server} (seeded in ${run.seed_ms} ms)`);
  console.log(`  ${'case'.padEnd(34)} ${'matches'.padStart(8)} ${'p50'.padStart(7)} ${'p95'.padStart(7)}  page query                         count query`);
  for (const row of run.results) {
    const ok = !row.page_plan.seq_scan && row.list_nodes.p95_ms <= TARGET_P95_MS;
    missed ||= !ok;
    console.log(`  ${row.case.padEnd(34)} ${String(row.matches).padStart(8)} ${String(row.list_nodes.p50_ms).padStart(7)} ${String(row.list_nodes.p95_ms).padStart(7)}  ${(row.page_plan.seq_scan ? 'SEQ SCAN ' : '') + row.page_plan.scan.slice(0, 60)} | ${(row.count_plan.seq_scan ? 'SEQ SCAN ' : '') + row.count_plan.scan.slice(0, 50)}  ${ok ? 'meets' : 'MISSES'}`);
  }
  console.log(`  stats.json breakdowns per snapshot: p50 ${run.breakdowns.p50_ms} ms, p95 ${run.breakdowns.p95_ms} ms`);
  console.log(`  rewriting all ${NODES} rows (a crawl pass's updates): ${run.write_cost.update_all_ms_with} ms with the search trigger and index, ${run.write_cost.update_all_ms_without} ms without (${run.write_cost.extra_us_per_row} µs a row)\n`);
}
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/node-search.json', `${JSON.stringify({ nodes: NODES, runs: RUNS, load_average: load, servers: runs, at: new Date().toISOString() }, null, 2)}\n`);
console.log('wrote bench-results/node-search.json');
if (missed) process.exitCode = 1;
