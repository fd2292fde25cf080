-- Data propagation (Bitnodes /api/v1/inv/): when each node announced a block or a sampled
-- transaction. One row per inv hash; the monitor appends (node id, arrival ms) pairs in batches,
-- at most 1000 per hash, so a day is ~144 block rows + the sampled tx rows, not a row per node.
-- See lib/propagation.
create table if not exists inv_propagation (
  inv_hash text primary key check (inv_hash ~ '^[0-9a-f]{64}$'),
  kind text not null check (kind in ('block', 'tx')),
  first_seen_at timestamptz not null,
  node_ids bigint[] not null default '{}',
  announced_ms bigint[] not null default '{}',
  updated_at timestamptz not null default now(),
  check (cardinality(node_ids) = cardinality(announced_ms) and cardinality(node_ids) <= 1000)
);
create index if not exists inv_propagation_recent_idx on inv_propagation (first_seen_at desc, inv_hash);
create index if not exists inv_propagation_kind_idx on inv_propagation (kind, first_seen_at desc);
alter table inv_propagation enable row level security;

-- Throughput from the bytes the monitor receives on each connection (Bitnodes' mbps).
alter table nodes add column if not exists monitor_mbps double precision;
