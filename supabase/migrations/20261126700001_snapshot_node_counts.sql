-- /api/nodes.json totals without a count per request (issue 13): visible nodes per
-- combination of the common filters (country, tier, online, verified, protocol
-- version), counted once per snapshot by the snapshot writer (lib/snapshots/take;
-- lib/api/node-counts NodeCountRow[]). Null on older snapshots: totals are then counted live.
alter table network_snapshots add column if not exists node_counts jsonb;
