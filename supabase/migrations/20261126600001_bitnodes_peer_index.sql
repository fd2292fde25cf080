-- Bitnodes' Peer Index, computed once a day from stored data (lib/bitnodes/peer-index-job.ts):
-- the 14 sub-indices (0-1) and peer_index (0-10) per reachable node, ranked by peer_index.
create table if not exists bitnodes_peer_index (
  node_id bigint primary key references nodes (id) on delete cascade,
  vi double precision not null, si double precision not null, hi double precision not null,
  ai double precision not null, pi double precision not null,
  dli double precision not null, dui double precision not null,
  wli double precision not null, wui double precision not null,
  mli double precision not null, mui double precision not null,
  nsi double precision not null, ni double precision not null, bi double precision not null,
  peer_index double precision not null check (peer_index >= 0 and peer_index <= 10),
  rank integer not null check (rank >= 1),
  computed_at timestamptz not null
);
create index if not exists bitnodes_peer_index_rank_idx on bitnodes_peer_index (rank, node_id);
alter table bitnodes_peer_index enable row level security;

-- One row per computation (when it ran, how many nodes), so the crawler knows when the last one is older than a day.
create table if not exists bitnodes_peer_index_runs (
  id bigint generated always as identity primary key,
  computed_at timestamptz not null,
  nodes integer not null check (nodes >= 0),
  duration_ms integer not null check (duration_ms >= 0)
);
create index if not exists bitnodes_peer_index_runs_idx on bitnodes_peer_index_runs (computed_at desc);
alter table bitnodes_peer_index_runs enable row level security;
