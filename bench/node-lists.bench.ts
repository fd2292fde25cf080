/**
 * Ban/hide lists at scale on the embedded PostgreSQL server (as `npm start` runs it):
 * 100k nodes, 100 node entries, 50 CIDR (/24) entries and 20 ASN entries. Times
 * refresh_node_lists() when the entries are first applied, in the steady state (what each
 * monitor sync and crawl pass pays: nothing changed), and after one entry is lifted; the
 * crawler's per-pass deny-list load; and nodes.json with the flags in place, next to targets.
 * Writes bench-results/node-lists.json. `npm run bench -- node-lists` (BENCH_NODES, BENCH_RUNS).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { refreshNodeLists } from '../lib/bans/apply';
import { loadBanDenyList } from '../lib/bans/deny-list';
import { listNodes } from '../lib/api/nodes';
import { nodesQuerySchema } from '../lib/api/schemas';
import { createSqlForUrl } from '../lib/db/client';
import { migrate } from '../lib/db/migrate';
import { startBenchEmbeddedServer } from './embedded-server';

const NODES = Number(process.env.BENCH_NODES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);

const TARGETS = { applyMs: 2000, steadyP95Ms: 50, liftMs: 2000, denyListP95Ms: 10 };

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function percentiles(fn: () => Promise<unknown>) {
  for (let i = 0; i < 3; i += 1) await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) samples.push(await timed(fn));
  samples.sort((a, b) => a - b);
  const at = (p: number) => +samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]!.toFixed(2);
  return { p50_ms: at(50), p95_ms: at(95) };
}

async function main() {
  const server = await startBenchEmbeddedServer();
  const sql = createSqlForUrl(server.url, { maxConnections: 4 });
  try {
    await migrate(sql);
    await sql`
      insert into nodes (ip, port, status, asn, country, pix_score, tier, rank, last_seen, first_seen)
      select (1 + g / 65536 % 200) || '.' || (g / 256) % 256 || '.' || g % 256 || '.' || 1 + g % 7, 8333,
        case when g % 10 < 7 then 'up' else 'down' end, 1000 + g % 5000, 'DE', g % 1000, 'gold',
        case when g % 10 < 7 then g end, now() - (g % 720) * interval '1 minute', now() - interval '10 days'
      from generate_series(1, ${NODES}) g`;
    await sql`
      insert into node_bans (action, target_type, ip, port, reason)
      select case when g % 2 = 0 then 'ban' else 'hide' end, 'node', ip, port, 'bench'
      from (select ip, port, row_number() over (order by id) as g from nodes where id % 997 = 0 limit 100) n`;
    await sql`
      insert into node_bans (action, target_type, cidr, reason)
      select 'ban', 'cidr', ((1 + g) || '.' || g * 3 || '.' || g || '.0/24')::cidr, 'bench' from generate_series(1, 50) g`;
    await sql`insert into node_bans (action, target_type, asn, reason) select 'hide', 'asn', 1000 + g * 211, 'bench' from generate_series(1, 20) g`;
    await sql`analyze`;
    // nodes.json before any entry applies: the flags must not slow it down.
    const nodesJsonBefore = await percentiles(() => listNodes(sql, nodesQuerySchema.parse({})));

    let changed = 0;
    const applyMs = await timed(async () => {
      changed = await refreshNodeLists(sql);
    });
    const [flags] = await sql<{ banned: number; hidden: number }[]>`
      select count(*) filter (where banned)::int as banned, count(*) filter (where list_hidden)::int as hidden from nodes`;
    const steady = await percentiles(() => refreshNodeLists(sql));
    const [lifted] = await sql<{ id: string }[]>`select id from node_bans where target_type = 'asn' limit 1`;
    await sql`update node_bans set lifted_at = now() where id = ${lifted!.id}`;
    let liftedChanged = 0;
    const liftMs = await timed(async () => {
      liftedChanged = await refreshNodeLists(sql);
    });
    const denyList = await percentiles(() => loadBanDenyList(sql));
    const nodesJson = await percentiles(() => listNodes(sql, nodesQuerySchema.parse({})));

    const report = {
      nodes: NODES,
      entries: { node: 100, cidr: 50, asn: 20 },
      load: os.loadavg().map((value) => +value.toFixed(2)),
      apply: { ms: +applyMs.toFixed(1), changed, banned: flags!.banned, hidden: flags!.hidden, target_ms: TARGETS.applyMs },
      steady: { ...steady, target_p95_ms: TARGETS.steadyP95Ms },
      lift: { ms: +liftMs.toFixed(1), changed: liftedChanged, target_ms: TARGETS.liftMs },
      deny_list_load: { ...denyList, target_p95_ms: TARGETS.denyListP95Ms },
      nodes_json_default: { ...nodesJson, before_entries: nodesJsonBefore, target: 'p50 within 20 % of before the entries' },
    };
    console.log(`node lists at ${NODES} nodes (load ${report.load.join(' ')}):`);
    console.log(`  apply 170 entries      ${report.apply.ms} ms (${changed} nodes changed: ${flags!.banned} banned, ${flags!.hidden} hidden)   target < ${TARGETS.applyMs} ms`);
    console.log(`  steady refresh         p50 ${steady.p50_ms} ms, p95 ${steady.p95_ms} ms   target p95 < ${TARGETS.steadyP95Ms} ms`);
    console.log(`  refresh after a lift   ${report.lift.ms} ms (${liftedChanged} nodes changed)   target < ${TARGETS.liftMs} ms`);
    console.log(`  crawler deny-list load p50 ${denyList.p50_ms} ms, p95 ${denyList.p95_ms} ms   target p95 < ${TARGETS.denyListP95Ms} ms`);
    console.log(`  nodes.json default     p50 ${nodesJson.p50_ms} ms, p95 ${nodesJson.p95_ms} ms (before the entries: p50 ${nodesJsonBefore.p50_ms} ms, p95 ${nodesJsonBefore.p95_ms} ms)   target p50 within 20 % of before`);
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/node-lists.json', `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await sql.end();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
