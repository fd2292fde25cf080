import type { Sql } from '../../db/client';
import { pgArray } from '../sql-array';
import { MINIMUM_HISTORY_HOURS, PIX_SCALE, PIX_WEIGHTS, TIER_REQUIREMENTS } from '../../scoring';
import { HOUR_MS, MONITOR_FRESH_MS, RELIABILITY_MAX_CHECKS, RELIABILITY_WINDOW_MS, UPTIME_MAX_GAP_MS, UPTIME_WINDOW_MS } from './windows';

export interface RecomputeResult {
  /** Nodes whose stored measurement, score, tier or rank changed. */
  updated: number;
}

/**
 * Measures and scores every node in one set-based statement: uptime,
 * observed hours, reliability and median latency from node_checks (window
 * functions over the (node_id, checked_at) index), then PIX, tier and rank
 * exactly as lib/scoring defines them (the tier thresholds are passed in from
 * TIER_REQUIREMENTS, so there is one copy of them). Only rows whose values
 * changed are written. reference.ts is the same computation in TypeScript.
 */
export async function recomputeScores(sql: Sql, { now }: { now: Date }): Promise<RecomputeResult> {
  const windowStart = new Date(now.getTime() - UPTIME_WINDOW_MS);
  const reliabilityStart = new Date(now.getTime() - RELIABILITY_WINDOW_MS);
  const maxGapSeconds = UPTIME_MAX_GAP_MS / 1000;
  const rules = TIER_REQUIREMENTS;
  const monitorFresh = new Date(now.getTime() - MONITOR_FRESH_MS);

  const result = await sql.begin(async (tx) => {
    // The pass sorts the last 30 days of checks once; give the sort memory so it stays off disk.
    await tx`set local work_mem = '64MB'`;
    return tx`
    with
    -- One scan and one sort of the last 30 days of checks: lead() gives how long each
    -- check's status holds, from_end counts checks after it (for the last-100 window).
    ordered as (
      select node_id, checked_at, status, latency_ms,
             lead(checked_at) over w as next_at,
             count(*) over (partition by node_id) - row_number() over w as from_end
      from node_checks
      where checked_at >= ${reliabilityStart}::timestamptz and checked_at <= ${now}::timestamptz
      window w as (partition by node_id order by checked_at, id)
    ),
    held as (
      select node_id, status, latency_ms, checked_at, from_end,
             greatest(
               extract(epoch from (
                 least(coalesce(next_at, ${now}::timestamptz),
                       checked_at + make_interval(secs => ${maxGapSeconds}::float8),
                       ${now}::timestamptz)
                 - greatest(checked_at, ${windowStart}::timestamptz)
               )) * 1000,
               0
             )::float8 as held_ms
      from ordered
    ),
    per_node as (
      select node_id,
             coalesce(sum(held_ms) filter (where status = 'up'), 0::float8) as up_ms,
             sum(held_ms) as observed_ms,
             (count(*) filter (where from_end < ${RELIABILITY_MAX_CHECKS}::int and status = 'up'))::float8
               / (count(*) filter (where from_end < ${RELIABILITY_MAX_CHECKS}::int))::float8 * 100::float8 as reliability,
             percentile_cont(0.5) within group (order by latency_ms)
               filter (where status = 'up' and latency_ms is not null and checked_at >= ${windowStart}::timestamptz)
               as median_latency_ms
      from held
      group by node_id
    ),
    probe_measured as (
      select n.id, n.status, n.hidden, n.first_seen,
             case when u.observed_ms > 0 then u.up_ms / u.observed_ms * 100::float8 end as uptime,
             case when u.observed_ms > 0 then u.observed_ms / ${HOUR_MS}::float8 end as observed_hours,
             u.reliability,
             u.median_latency_ms,
             -- The monitor's live measurements (lib/measure/monitor-uptime) win while the monitor
             -- watches the node; probe data is the fallback (docs/scoring.md, "Live measurements").
             (n.monitor_seen_at >= ${monitorFresh}::timestamptz) as monitored,
             n.monitor_uptime_7d, n.monitor_observed_hours_7d, n.monitor_latency_ms
      from nodes n
      left join per_node u on u.node_id = n.id
    ),
    measured as (
      select id, status, hidden, first_seen,
             case when monitored and monitor_observed_hours_7d > 0 then monitor_uptime_7d else uptime end as uptime,
             case when monitored and monitor_observed_hours_7d > 0
                  then greatest(monitor_observed_hours_7d, coalesce(observed_hours, 0::float8)) else observed_hours end as observed_hours,
             reliability,
             case when monitored and monitor_latency_ms is not null then monitor_latency_ms else median_latency_ms end as median_latency_ms
      from probe_measured
    ),
    scored as (
      select m.*,
             case when m.uptime is not null and m.reliability is not null then
               (least(greatest(m.uptime, 0::float8), 100::float8) * ${PIX_WEIGHTS.uptime}::float8
                + least(greatest(100::float8 - coalesce(m.median_latency_ms, 100::float8), 0::float8), 100::float8)
                  * ${PIX_WEIGHTS.latency}::float8
                + least(greatest(m.reliability, 0::float8), 100::float8) * ${PIX_WEIGHTS.reliability}::float8)
               * ${PIX_SCALE}::float8
             end as pix
      from measured m
    ),
    tier_rules as (
      select * from unnest(
        ${pgArray(rules.map((rule) => rule.tier))}::text[],
        ${pgArray(rules.map((rule) => rule.pixAbove))}::float8[],
        ${pgArray(rules.map((rule) => rule.uptimeAbove))}::float8[],
        ${pgArray(rules.map((rule) => rule.latencyBelow))}::float8[]
      ) with ordinality as rule(tier, pix_above, uptime_above, latency_below, position)
    ),
    tiered as (
      select s.*,
             case
               when s.pix is null then null
               when s.status <> 'up' or s.observed_hours < ${MINIMUM_HISTORY_HOURS}::float8 then 'standard'
               else coalesce((
                 select rule.tier from tier_rules rule
                 where s.pix > rule.pix_above and s.uptime > rule.uptime_above
                   and s.median_latency_ms < rule.latency_below
                 order by rule.position
                 limit 1
               ), 'standard')
             end as tier,
             (s.status = 'up' and not s.hidden and s.pix is not null) as rankable
      from scored s
    ),
    ranked as (
      select t.*,
             case when t.rankable then
               row_number() over (partition by t.rankable order by t.pix desc, t.uptime desc, t.first_seen asc, t.id asc)
             end as rank
      from tiered t
    )
    update nodes n
    set uptime_percentage = r.uptime,
        uptime_observed_hours = r.observed_hours,
        reliability = r.reliability,
        median_latency_ms = r.median_latency_ms,
        pix_score = r.pix,
        tier = r.tier,
        rank = r.rank
    from ranked r
    where n.id = r.id
      and (n.uptime_percentage, n.uptime_observed_hours, n.reliability, n.median_latency_ms, n.pix_score, n.tier, n.rank)
          is distinct from (r.uptime, r.observed_hours, r.reliability, r.median_latency_ms, r.pix, r.tier, r.rank::int)`;
  });
  return { updated: result.count };
}
