-- Retention (lib/retention): how far each downsampling stage has got, so a pass
-- resumes where the last one stopped instead of rescanning old history.
-- Rows: 'checks_sampled' (node_checks thinned to one per node per sample slot
-- plus every status change up to done_until), 'checks_changes' (only status
-- changes kept up to done_until).
create table if not exists retention_progress (
  stage text primary key,
  done_until timestamptz not null,
  updated_at timestamptz not null default now()
);
alter table retention_progress enable row level security;

-- Snapshots that still carry a node map (the Bitnodes v1 list serves only those),
-- and the pruner's search for maps to drop, without reading summary-only rows.
create index if not exists network_snapshots_with_map_idx on network_snapshots (taken_at desc, id desc) where nodes is not null;
