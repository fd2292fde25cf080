import { z } from 'zod';
import type { Sql } from '../db/client';
import { computeNetworkAggregates } from '../api/aggregates';
import { computePix, computeTier, rankNodes } from '../scoring';
import { takeNetworkSnapshot } from '../snapshots/take';
import { DEMO_REGIONS, DEMO_VERSIONS } from './regions';

/**
 * A realistic, deterministic demo network for tests, demos and benches.
 * Everything is set-based SQL over generate_series: randomness comes from md5 of
 * (seed, row number, salt), so the same options give the same rows, and 100k
 * nodes take seconds, not minutes.
 */
export const seedOptionsSchema = z.object({
  /** how many nodes to insert */
  nodes: z.number().int().min(1).max(5_000_000),
  /** days of probe history and snapshots, ending at `now` */
  days: z.number().int().min(0).max(90).default(7),
  /** any integer; the same seed gives the same network */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  /** how many nodes (the first inserted) get probe history in node_checks */
  historyNodes: z.number().int().min(0).default(1000),
  /** minutes between two probes of the history */
  checkIntervalMinutes: z.number().int().min(5).max(1440).default(60),
  /** hours between two network snapshots of the history */
  snapshotIntervalHours: z.number().int().min(1).max(168).default(6),
  /** the end of the history; defaults to the current time */
  now: z.date().optional(),
  /** addresses to give the first nodes (e.g. a simulated network's peers) instead of generated ones */
  addresses: z.array(z.object({ ip: z.string().min(1), port: z.number().int().min(1).max(65535) })).optional(),
});
export type SeedOptions = z.input<typeof seedOptionsSchema>;

export interface SeedResult {
  nodes: number;
  online: number;
  checks: number;
  snapshots: number;
  /** ids of the inserted nodes, in insertion order */
  nodeIds: string[];
}

/** 24 uniform random bits of an md5 hex string as a float in [0, 1); slot 0–4. */
function uniform(sql: Sql, hash: string, slot: number) {
  return sql.unsafe(`(('x' || substr(${hash}, ${slot * 6 + 1}, 6))::bit(24)::int / 16777216.0)::float8`);
}

function cumulative<T extends { weight: number }>(items: readonly T[]): { lo: number[]; hi: number[] } {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  const lo: number[] = [];
  const hi: number[] = [];
  let acc = 0;
  for (const item of items) {
    lo.push(acc / total);
    acc += item.weight;
    hi.push(acc / total);
  }
  hi[hi.length - 1] = 1.0001;
  return { lo, hi };
}

async function insertNodes(
  sql: Sql,
  count: number,
  seed: number,
  days: number,
  now: Date,
  addresses: { ip: string; port: number }[] = [],
): Promise<{ id: string; status: string }[]> {
  const regions = cumulative(DEMO_REGIONS);
  const versions = cumulative(DEMO_VERSIONS);
  const tipHeight = 870_000 + Math.round((now.getTime() - Date.UTC(2024, 10, 1)) / 600_000);
  const u = (slot: number) => uniform(sql, 'h1', slot);
  const w = (slot: number) => uniform(sql, 'h2', slot);
  return sql<{ id: string; status: string }[]>`
    with regions as (
      select * from unnest(
        ${DEMO_REGIONS.map((r) => r.country)}::text[], ${DEMO_REGIONS.map((r) => r.countryName)}::text[],
        ${DEMO_REGIONS.map((r) => r.city)}::text[], ${DEMO_REGIONS.map((r) => r.latitude)}::float8[],
        ${DEMO_REGIONS.map((r) => r.longitude)}::float8[], ${DEMO_REGIONS.map((r) => r.timezone)}::text[],
        ${DEMO_REGIONS.map((r) => r.asn)}::int[], ${DEMO_REGIONS.map((r) => r.organization)}::text[],
        ${regions.lo}::float8[], ${regions.hi}::float8[], ${DEMO_REGIONS.map((r) => r.region)}::text[]
      ) as t(country, country_name, city, lat, lon, tz, asn, org, lo, hi, region)
    ), versions as (
      select * from unnest(
        ${DEMO_VERSIONS.map((v) => v.userAgent)}::text[], ${DEMO_VERSIONS.map((v) => v.protocolVersion)}::int[],
        ${versions.lo}::float8[], ${versions.hi}::float8[]
      ) as t(ua, pv, lo, hi)
    ), given as (
      select * from unnest(${addresses.map((a) => a.ip)}::text[], ${addresses.map((a) => a.port)}::int[])
        with ordinality as t(ip, port, i)
    ), hashes as (
      select i, md5(${seed}::text || ':' || i || ':a') as h1, md5(${seed}::text || ':' || i || ':b') as h2
      from generate_series(1, ${count}::int) as i
    ), draws as (
      select i, ${u(0)} as r_region, ${u(1)} as r_version, ${u(2)} as r_status, ${u(3)} as r_uptime, ${u(4)} as r_latency,
             ${w(0)} as r_lat, ${w(1)} as r_lon, ${w(2)} as r_time, ${w(3)} as r_height, ${w(4)} as r_misc
      from hashes
    ), shaped as (
      select d.*,
             case when r_status < 0.82 then 'up' when r_status < 0.97 then 'down' else 'unknown' end as status,
             (i::bigint * 2654435761 + ${seed}::bigint) % 4294967296 as ipbits
      from draws d
    ), measured as (
      select s.*,
             case s.status when 'up' then 100 - 45 * power(r_uptime, 3) when 'down' then 15 + 60 * r_uptime end as uptime,
             case when s.status <> 'unknown' then round((12 + 320 * power(r_latency, 2))::numeric, 1)::float8 end as latency
      from shaped s
    )
    insert into nodes (ip, port, network, status, protocol_version, user_agent, services, height, relay,
      city, region, country, country_name, latitude, longitude, timezone, asn, organization_name, isp,
      latency_ms, median_latency_ms, uptime_percentage, uptime_observed_hours, reliability, source,
      connected_since, first_seen, last_seen, last_checked, verified, verified_at)
    select
      coalesce(a.ip, format('%s.%s.%s.%s', 1 + ((ipbits >> 24) % 223), (ipbits >> 16) & 255, (ipbits >> 8) & 255, ipbits & 255)),
      coalesce(a.port, case when r_misc < 0.96 then 8333 else 8334 end),
      case when a.ip like '%:%' then 'ipv6' else 'ipv4' end, m.status,
      case when m.status <> 'unknown' then v.pv end,
      case when m.status <> 'unknown' then v.ua end,
      case when m.status = 'unknown' then null when r_misc < 0.5 then 1033 else 3081 end,
      case when m.status = 'up' then ${tipHeight}::int - floor(power(r_height, 8) * 6)::int
           when m.status = 'down' then ${tipHeight}::int - floor(r_height * 2000)::int end,
      m.status <> 'unknown',
      g.city, g.region, g.country, g.country_name,
      greatest(-89.9, least(89.9, g.lat + (r_lat - 0.5) * 5)),
      greatest(-179.9, least(179.9, g.lon + (r_lon - 0.5) * 7)),
      g.tz, g.asn, g.org, g.org,
      latency, latency, round(uptime::numeric, 2)::float8,
      case when m.status <> 'unknown' then least(168, 24 * (${days}::int + 30 * r_time + 1)) end,
      round(greatest(0, uptime - 6 * r_height)::numeric, 2)::float8,
      'discovered',
      case when m.status = 'up' then ${now}::timestamptz - r_time * interval '40 days' end,
      ${now}::timestamptz - interval '1 day' * (${days}::int + 30 * r_time + 1),
      case m.status when 'up' then ${now}::timestamptz - r_misc * interval '10 minutes'
                    when 'down' then ${now}::timestamptz - (0.05 + r_time * 0.9) * interval '1 day' * greatest(${days}::int, 1) end,
      ${now}::timestamptz,
      r_misc > 0.97, case when r_misc > 0.97 then ${now}::timestamptz - interval '3 days' end
    from measured m
    join regions g on m.r_region >= g.lo and m.r_region < g.hi
    join versions v on m.r_version >= v.lo and m.r_version < v.hi
    left join given a on a.i = m.i
    order by m.i
    on conflict (ip, port) do nothing
    returning id, status`;
}

/**
 * PIX, tier and rank of every node from its seeded measurements, with the one
 * definition the crawler uses (lib/scoring), so demo data obeys the documented
 * thresholds.
 */
async function scoreSeededNodes(sql: Sql): Promise<void> {
  const rows = await sql<
    { id: string; status: string; hidden: boolean; uptime: number | null; reliability: number | null; latency: number | null; observed: number | null; first_seen: Date }[]
  >`select id::text as id, status, hidden, uptime_percentage as uptime, reliability, median_latency_ms as latency,
           uptime_observed_hours as observed, first_seen
    from nodes`;
  const scores = rows.map((row) => {
    if (row.uptime === null || row.reliability === null) return { pix: null, tier: null };
    const pix = computePix({ uptimePercentage: row.uptime, reliability: row.reliability, latencyMs: row.latency });
    const tier = computeTier({ pix, uptimePercentage: row.uptime, latencyMs: row.latency, isUp: row.status === 'up', observedHours: row.observed ?? 0 });
    return { pix, tier };
  });
  const ranks = rankNodes(
    rows.map((row, index) => ({
      id: row.id,
      isUp: row.status === 'up',
      hidden: row.hidden,
      pix: scores[index]!.pix,
      uptimePercentage: row.uptime,
      firstSeen: row.first_seen,
    })),
  );
  await sql`
    update nodes set pix_score = scored.pix, tier = scored.tier, rank = scored.rank
    from unnest(${rows.map((row) => row.id)}::bigint[], ${scores.map((score) => score.pix)}::float8[],
                ${scores.map((score) => score.tier)}::text[], ${rows.map((row) => ranks.get(row.id) ?? null)}::int[])
      as scored(id, pix, tier, rank)
    where nodes.id = scored.id`;
}

/**
 * One probe every interval for `days` days. Outages come in blocks of four probes
 * with a chance matching the node's uptime; a node that is down now has been down
 * since its last_seen, one that is up answered its last few probes.
 */
async function insertChecks(sql: Sql, ids: string[], seed: number, options: { days: number; interval: number; now: Date }): Promise<number> {
  if (ids.length === 0 || options.days === 0) return 0;
  const start = new Date(options.now.getTime() - options.days * 86_400_000);
  const [row] = await sql<{ n: number }[]>`
    with inserted as (
      insert into node_checks (node_id, checked_at, status, latency_ms, protocol_version, user_agent, services, height)
      select n.id, t.at, s.status,
             case when s.status = 'up' then round((n.latency_ms * (0.6 + 0.8 * s.jitter))::numeric, 1)::float8 end,
             n.protocol_version, n.user_agent, n.services, n.height
      from nodes n
      cross join generate_series(${start}::timestamptz, ${options.now}::timestamptz, ${options.interval} * interval '1 minute') as t(at)
      cross join lateral (
        select case
                 when n.status = 'down' and t.at > n.last_seen then 'down'
                 when n.status = 'up' and t.at > ${options.now}::timestamptz - ${options.interval * 4} * interval '1 minute' then 'up'
                 when ('x' || substr(md5(${seed}::text || ':' || n.id || ':' || floor(extract(epoch from t.at) / (${options.interval} * 240))), 1, 6))::bit(24)::int / 16777216.0
                      < (100 - n.uptime_percentage) / 100 then 'down'
                 else 'up' end as status,
               ('x' || substr(md5(${seed}::text || ':' || n.id || ':' || extract(epoch from t.at)), 1, 6))::bit(24)::int / 16777216.0 as jitter
      ) s
      where n.id = any(${ids}::bigint[]) and n.status <> 'unknown'
      returning 1
    )
    select count(*)::int as n from inserted`;
  return row?.n ?? 0;
}

/** A snapshot every few hours with gently drifting totals, then a real one of the current state. */
async function insertSnapshots(sql: Sql, seed: number, options: { days: number; intervalHours: number; now: Date }): Promise<number> {
  const aggregates = await computeNetworkAggregates(sql);
  let count = 0;
  if (options.days > 0) {
    const start = new Date(options.now.getTime() - options.days * 86_400_000);
    const [row] = await sql<{ n: number }[]>`
      with inserted as (
        insert into network_snapshots (taken_at, total_nodes, online_nodes, latest_height, pass_duration_ms,
          average_latency_ms, average_uptime, versions, countries, tiers)
        select t.at,
               round(${aggregates.totalNodes}::int * (0.93 + 0.07 * k.progress))::int,
               round(${aggregates.onlineNodes}::int * (0.9 + 0.07 * k.progress + 0.03 * k.noise))::int,
               ${aggregates.latestHeight}::int - round((1 - k.progress) * ${options.days}::int * 144)::int,
               round(60000 + 30000 * k.noise)::int,
               ${aggregates.averageLatencyMs}::float8 * (0.9 + 0.2 * k.noise),
               least(100, ${aggregates.averageUptime}::float8 * (0.97 + 0.03 * k.noise)),
               ${sql.json(aggregates.versions)}, ${sql.json(aggregates.countries)}, ${sql.json(aggregates.tiers)}
        from generate_series(${start}::timestamptz, ${options.now}::timestamptz - interval '1 minute', ${options.intervalHours} * interval '1 hour') as t(at)
        cross join lateral (
          select extract(epoch from t.at - ${start}::timestamptz) / ${options.days * 86_400}::float8 as progress,
                 ('x' || substr(md5(${seed}::text || ':snapshot:' || extract(epoch from t.at)), 1, 6))::bit(24)::int / 16777216.0 as noise
        ) k
        returning 1
      )
      select count(*)::int as n from inserted`;
    count += row?.n ?? 0;
  }
  await takeNetworkSnapshot(sql, { now: options.now, passDurationMs: 75_000 });
  return count + 1;
}

/**
 * Data propagation of the last `blocks` blocks (one every 10 minutes) over the first
 * 1000 online nodes: each node announces after a random delay that grows with its
 * latency (an exponential draw), as the monitor would have recorded it.
 */
async function insertPropagation(sql: Sql, seed: number, options: { blocks: number; now: Date }): Promise<number> {
  const result = await sql`
    with blocks as (
      select b, ${options.now}::timestamptz - b * interval '10 minutes' as at from generate_series(0, ${options.blocks - 1}) as b
    ), online as (
      select id, coalesce(latency_ms, 150)::float8 as lat from nodes where status = 'up' and not hidden order by id limit 1000
    ), arrivals as (
      select bl.at, o.id,
             (extract(epoch from bl.at) * 1000)::bigint
               + round(o.lat * 3 * -ln(greatest(1e-6, ('x' || substr(md5(${seed}::text || ':inv:' || extract(epoch from bl.at) || ':' || o.id), 1, 6))::bit(24)::int / 16777216.0)))::bigint as ms
      from blocks bl cross join online o
    )
    insert into inv_propagation (inv_hash, kind, first_seen_at, node_ids, announced_ms)
    select '00000000' || substr(encode(sha256(convert_to(${seed}::text || ':block:' || floor(extract(epoch from at) / 600)::text, 'UTF8')), 'hex'), 1, 56),
           'block', to_timestamp(min(ms) / 1000.0), array_agg(id order by ms, id), array_agg(ms order by ms, id)
    from arrivals group by at
    on conflict (inv_hash) do nothing`;
  return result.count;
}

export async function seedDemoNetwork(sql: Sql, input: SeedOptions): Promise<SeedResult> {
  const options = seedOptionsSchema.parse(input);
  const now = options.now ?? new Date();
  const inserted = await insertNodes(sql, options.nodes, options.seed, options.days, now, options.addresses);
  await scoreSeededNodes(sql);
  const nodeIds = inserted.map((row) => row.id);
  const checks = await insertChecks(sql, nodeIds.slice(0, options.historyNodes), options.seed, {
    days: options.days,
    interval: options.checkIntervalMinutes,
    now,
  });
  const snapshots = await insertSnapshots(sql, options.seed, { days: options.days, intervalHours: options.snapshotIntervalHours, now });
  if (options.days > 0) await insertPropagation(sql, options.seed, { blocks: 12, now });
  return {
    nodes: inserted.length,
    online: inserted.filter((row) => row.status === 'up').length,
    checks,
    snapshots,
    nodeIds,
  };
}
