-- stats.json breakdowns (issue 15): by network type, ASN (top 20), service flag,
-- protocol version and region, computed once per snapshot with the other API
-- aggregates (lib/api/breakdowns.ts StatsBreakdowns). Null on older snapshots: the
-- API then computes them live.
alter table network_snapshots add column if not exists stats_breakdowns jsonb;
