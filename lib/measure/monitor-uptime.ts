/**
 * Exact uptime from the monitor's connection spans (node_monitor_spans):
 * connected time / observed time over the last 7 and 30 days. An open span
 * counts up to now, but no further than 2 minutes past its last touch (a
 * monitor that died stops vouching for the node). Writes
 * nodes.monitor_uptime_7d / _30d and monitor_observed_hours_7d, which
 * lib/crawler/measure prefers over probe-based uptime (docs/scoring.md).
 */
import type { Sql } from '../db/client';
import { DAY_MS, HOUR_MS } from '../crawler/measure/windows';

export const MONITOR_TOUCH_GRACE_MS = 2 * 60_000;

export async function recomputeMonitorUptime(sql: Sql, { now }: { now: Date }): Promise<number> {
  const start7 = new Date(now.getTime() - 7 * DAY_MS);
  const start30 = new Date(now.getTime() - 30 * DAY_MS);
  const graceSeconds = MONITOR_TOUCH_GRACE_MS / 1000;
  const result = await sql`
    with spans as (
      select node_id, state, started_at as s,
             least(coalesce(ended_at, touched_at + make_interval(secs => ${graceSeconds}::float8)), ${now}::timestamptz) as e
      from node_monitor_spans
      where coalesce(ended_at, ${now}::timestamptz) > ${start30}::timestamptz and started_at < ${now}::timestamptz
    ),
    clipped as (
      select node_id, state,
             greatest(extract(epoch from (e - greatest(s, ${start30}::timestamptz))), 0) as d30,
             greatest(extract(epoch from (e - greatest(s, ${start7}::timestamptz))), 0) as d7
      from spans
    ),
    per_node as (
      select node_id,
             sum(d7) as obs7, coalesce(sum(d7) filter (where state = 'up'), 0) as up7,
             sum(d30) as obs30, coalesce(sum(d30) filter (where state = 'up'), 0) as up30
      from clipped group by node_id
    )
    update nodes n set
      monitor_uptime_7d = case when p.obs7 > 0 then least(p.up7 / p.obs7 * 100, 100)::float8 end,
      monitor_uptime_30d = case when p.obs30 > 0 then least(p.up30 / p.obs30 * 100, 100)::float8 end,
      monitor_observed_hours_7d = (p.obs7 * 1000 / ${HOUR_MS}::float8)::float8
    from per_node p
    where n.id = p.node_id`;
  return result.count;
}
