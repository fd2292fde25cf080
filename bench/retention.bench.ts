/**
 * `npm run bench -- retention`: the database size after BENCH_RETENTION_DAYS (30)
 * simulated days of crawl passes every BENCH_RETENTION_PASS_MINUTES (5) over
 * BENCH_RETENTION_NODES (20k) nodes, with lib/retention's default windows.
 *
 * Each simulated day is written with set-based inserts (a check per node per
 * pass, 10% of nodes down two hours a day, a snapshot with the full Bitnodes
 * node map of the up nodes per pass, their up/down events), then pruned with
 * runRetention as of the end of that day (the crawler prunes after every pass;
 * once a day gives the same rows), then VACUUMed as autovacuum would. Runs on
 * the PostgreSQL at TEST_POSTGRES_URL (a throwaway database) when reachable,
 * otherwise on a throwaway embedded server. node_checks, network_snapshots and
 * node_events are made UNLOGGED in that throwaway database to spare the shared
 * disk the write-ahead log: table sizes are the same. Prints
 * pg_total_relation_size per table against targets; writes bench-results/retention.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { runRetention, DEFAULT_RETENTION_SETTINGS, resolveRetentionSettings } from '@/lib/retention';
import { DEMO_RETENTION_ENV } from '@/lib/retention/demo';
import { openMigratedTestDatabase, openTestDatabase } from '@/tests/helpers/database';
import { startBenchEmbeddedServer } from './embedded-server';

/** BENCH_RETENTION_PROFILE=demo: `npm run demo`'s network (2000 peers, a pass a minute) and windows, pruned every simulated hour. */
const DEMO = process.env.BENCH_RETENTION_PROFILE === 'demo';
const NODES = Number(process.env.BENCH_RETENTION_NODES ?? (DEMO ? 2000 : 20_000));
const DAYS = Number(process.env.BENCH_RETENTION_DAYS ?? (DEMO ? 3 : 30));
const PASS_MINUTES = Number(process.env.BENCH_RETENTION_PASS_MINUTES ?? (DEMO ? 1 : 5));
const STEP_HOURS = DEMO ? 1 : 24;
const SETTINGS = { ...(DEMO ? resolveRetentionSettings(DEMO_RETENTION_ENV) : DEFAULT_RETENTION_SETTINGS), budgetMs: 3_600_000 };
const DAY_MS = 86_400_000;
const STEP_MS = STEP_HOURS * 3_600_000;
const MB = 1024 * 1024;
/** Targets at 20k nodes, 5-minute passes, default windows (scaled linearly for other node counts). */
const scale = NODES / 20_000;
const TARGETS_MB = DEMO ? { network_snapshots: 64, node_checks: 128, node_events: 8, total: 256 } : {
  network_snapshots: Math.round(1024 * scale),
  node_checks: Math.round(5632 * scale),
  node_events: Math.round(64 * scale),
  total: Math.round(6656 * scale),
};

async function postgresReachable(): Promise<boolean> {
  process.env.TEST_DATABASE = 'postgres';
  try {
    const database = await openTestDatabase();
    await database.close();
    return true;
  } catch {
    return false;
  }
}

async function main() {
  const backend = (await postgresReachable()) ? 'postgres' : 'embedded';
  process.env.TEST_DATABASE = backend;
  const embedded = backend === 'embedded' ? await startBenchEmbeddedServer() : undefined;
  const database = await openMigratedTestDatabase();
  const { sql } = database;
  const end = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  const start = new Date(end.getTime() - DAYS * DAY_MS);
  const passesPerDay = Math.round((24 * 60) / PASS_MINUTES);
  const inserted = { checks: 0, snapshots: 0, events: 0 };
  const timings: { step: number; insertSeconds: number; pruneSeconds: number; vacuumSeconds: number }[] = [];
  /** Database size (the three history tables) after each simulated step, to show it level off. */
  const growth: { hours: number; mb: number }[] = [];
  try {
    for (const table of ['node_checks', 'network_snapshots', 'node_events']) await sql.unsafe(`alter table ${table} set unlogged`);
    await sql`
      insert into nodes (ip, port, status, protocol_version, user_agent, services, height, country, latitude, longitude, asn, organization_name, first_seen, last_seen)
      select '198.' || (i / 65536 % 256) || '.' || (i / 256 % 256) || '.' || (i % 256), 8333,
             case when i % 10 = 0 then 'down' else 'up' end, 70016, '/Satoshi:27.' || (i % 3) || '.0/', 1033, 870000, 'DE',
             50 + (i % 1000) / 100.0, 8 + (i % 700) / 100.0, 3320 + i % 500, 'Example Hosting ' || (i % 500),
             ${start}, ${start}
      from generate_series(1, ${NODES}) as i`;
    // One Bitnodes node map of the up nodes, as takeNetworkSnapshot stores it (about 150 bytes a node).
    await sql`create temporary table map_template as
      select jsonb_object_agg(ip || ':' || port, jsonb_build_array(protocol_version, user_agent, 1764000000 + id, services, height,
               'node-' || id || '.example.net', 'Frankfurt am Main', country, latitude, longitude, 'Europe/Berlin', 'AS' || asn, organization_name)) as nodes,
             jsonb_build_object('totalNodes', count(*), 'versions', jsonb_build_object('70016', count(*)), 'note', repeat('x', 2000)) as aggregates
      from nodes where status = 'up'`;
    const steps = Math.round((DAYS * DAY_MS) / STEP_MS);
    for (let step = 0; step < steps; step += 1) {
      const dayStart = new Date(start.getTime() + step * STEP_MS);
      const dayEnd = new Date(dayStart.getTime() + STEP_MS);
      const t0 = performance.now();
      // 10% of nodes are down two hours a day (at an hour of their own); the others are always up.
      const checks = await sql`
        insert into node_checks (node_id, checked_at, status, latency_ms, protocol_version, user_agent, services, height)
        select n.id, t,
               case when n.id % 10 = 0 and extract(hour from t at time zone 'UTC')::int in (n.id % 24, (n.id + 1) % 24) then 'down' else 'up' end,
               20 + n.id % 200, 70016, '/Satoshi:27.0.0/', 1033, 870000
        from nodes n cross join generate_series(${dayStart}::timestamptz, ${dayEnd}::timestamptz - make_interval(mins => ${PASS_MINUTES}), make_interval(mins => ${PASS_MINUTES})) as t`;
      const snapshots = await sql`
        insert into network_snapshots (taken_at, total_nodes, online_nodes, latest_height, pass_duration_ms, average_latency_ms, average_uptime,
                                       versions, countries, tiers, nodes, api_aggregates, countries_online, countries_all)
        select t, ${NODES}, (select count(*) from nodes where status = 'up'), 870000, 60000, 120, 97.5,
               '{"70016": 18000}', '{"DE": 18000}', '{"gold": 9000, "silver": 9000}',
               m.nodes, m.aggregates, '[{"code": "DE", "count": 18000}]', '[{"code": "DE", "count": 20000}]'
        from generate_series(${dayStart}::timestamptz, ${dayEnd}::timestamptz - make_interval(mins => ${PASS_MINUTES}), make_interval(mins => ${PASS_MINUTES})) as t
        cross join map_template m`;
      const events = await sql`
        insert into node_events (node_id, type, occurred_at, details)
        select n.id, e.type, ${dayStart}::timestamptz + make_interval(hours => (n.id % 24)::int + e.offset_hours), '{}'
        from nodes n cross join (values ('node_down', 0), ('node_up', 2), ('exception_raised', 0), ('exception_cleared', 2)) as e(type, offset_hours)
        where n.id % 10 = 0 and ${STEP_HOURS === 24}::boolean`;
      inserted.checks += checks.count;
      inserted.snapshots += snapshots.count;
      inserted.events += events.count;
      const t1 = performance.now();
      const report = await runRetention(sql, { now: dayEnd, settings: SETTINGS });
      if (report.stopped !== 'done') throw new Error(`pruning stopped: ${report.stopped}`);
      const t2 = performance.now();
      await sql`vacuum node_checks, network_snapshots, node_events`;
      const t3 = performance.now();
      timings.push({ step: step + 1, insertSeconds: (t1 - t0) / 1000, pruneSeconds: (t2 - t1) / 1000, vacuumSeconds: (t3 - t2) / 1000 });
      const [size] = await sql<{ bytes: string }[]>`
        select (pg_total_relation_size('node_checks') + pg_total_relation_size('network_snapshots') + pg_total_relation_size('node_events'))::text as bytes`;
      growth.push({ hours: ((step + 1) * STEP_MS) / 3_600_000, mb: Math.round((Number(size!.bytes) / MB) * 10) / 10 });
      console.error(`${STEP_HOURS === 24 ? 'day' : 'hour'} ${step + 1}/${steps}: insert ${((t1 - t0) / 1000).toFixed(1)}s, prune ${((t2 - t1) / 1000).toFixed(1)}s, vacuum ${((t3 - t2) / 1000).toFixed(1)}s, history tables ${growth.at(-1)!.mb} MB`);
    }
    const sizes = await sql<{ table: string; bytes: string; rows: string }[]>`
      select t as table, pg_total_relation_size(t::regclass)::text as bytes,
             (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I', t), false, true, '')))[1]::text as rows
      from unnest(array['network_snapshots', 'node_checks', 'node_events', 'node_monitor_spans', 'nodes']) as t`;
    const [maps] = await sql<{ maps: number }[]>`select count(*)::int as maps from network_snapshots where nodes is not null`;
    const table = Object.fromEntries(sizes.map((row) => [row.table, { mb: Number(row.bytes) / MB, rows: Number(row.rows) }]));
    const totalMb = sizes.reduce((sum, row) => sum + Number(row.bytes), 0) / MB;
    // Without retention every inserted row would still be there: per-row footprint of the fresh rows × inserted rows.
    const [fresh] = await sql<{ map_bytes: number; check_bytes: number }[]>`
      select (select pg_column_size(nodes) from network_snapshots where nodes is not null order by taken_at desc limit 1)::float8 as map_bytes,
             (select pg_total_relation_size('node_checks')::float8 / greatest(count(*), 1) from node_checks) as check_bytes`;
    const result = {
      backend,
      nodes: NODES,
      days: DAYS,
      passMinutes: PASS_MINUTES,
      inserted,
      mapsKept: maps?.maps ?? 0,
      sizesMb: Object.fromEntries(Object.entries(table).map(([name, value]) => [name, Math.round(value.mb)])),
      rows: Object.fromEntries(Object.entries(table).map(([name, value]) => [name, value.rows])),
      totalMb: Math.round(totalMb),
      withoutRetentionEstimateMb: {
        network_snapshots: Math.round(((fresh?.map_bytes ?? 0) * inserted.snapshots) / MB),
        node_checks: Math.round(((fresh?.check_bytes ?? 0) * inserted.checks) / MB),
      },
      targetsMb: TARGETS_MB,
      profile: DEMO ? 'demo' : 'default',
      growthMb: growth,
      secondsPerStep: {
        insert: timings.reduce((sum, t) => sum + t.insertSeconds, 0) / timings.length,
        prune: timings.reduce((sum, t) => sum + t.pruneSeconds, 0) / timings.length,
        vacuum: timings.reduce((sum, t) => sum + t.vacuumSeconds, 0) / timings.length,
      },
    };
    console.log(`database size after ${DAYS} simulated days of ${PASS_MINUTES}-minute passes over ${NODES} nodes (${backend}), ${DEMO ? 'npm run demo' : 'default'} retention windows`);
    console.table(
      ['network_snapshots', 'node_checks', 'node_events'].map((name) => ({
        table: name,
        rows: table[name]!.rows,
        'size MB': Math.round(table[name]!.mb),
        'target MB': TARGETS_MB[name as keyof typeof TARGETS_MB],
        'without retention MB (est.)': result.withoutRetentionEstimateMb[name as keyof typeof result.withoutRetentionEstimateMb] ?? '-',
        'meets target': table[name]!.mb <= TARGETS_MB[name as keyof typeof TARGETS_MB],
      })),
    );
    console.log(`total ${Math.round(totalMb)} MB (target ${TARGETS_MB.total} MB); node maps kept: ${result.mapsKept} of ${inserted.snapshots} snapshots; ` +
      `per simulated ${STEP_HOURS === 24 ? 'day' : 'hour'}: insert ${result.secondsPerStep.insert.toFixed(1)}s, prune ${result.secondsPerStep.prune.toFixed(1)}s, vacuum ${result.secondsPerStep.vacuum.toFixed(1)}s`);
    const sizeAt = (hours: number) => growth.find((point) => point.hours >= hours)?.mb;
    console.log(`history tables (checks + snapshots + events) after ${[1, 2, 6, 24, 48, 72, 7 * 24, 30 * 24].filter((h) => h <= DAYS * 24).map((h) => `${h} h: ${sizeAt(h)} MB`).join(', ')}`);
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(`bench-results/retention${DEMO ? '-demo' : ''}.json`, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await database.close();
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
