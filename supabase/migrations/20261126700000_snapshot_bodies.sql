-- GET /api/v1/snapshots/latest/ as bytes (issue 13): each snapshot's Bitnodes answer,
-- serialised once by the snapshot writer (lib/snapshots/take) for each `field`
-- ('' = the nodes map, 'coordinates', 'user_agents'), with its gzip and brotli forms
-- and its ETag, so a request neither parses network_snapshots.nodes nor stringifies
-- it. Only the newest snapshots keep their bodies (older ones are answered from
-- network_snapshots.nodes as before).
create table if not exists snapshot_bodies (
  snapshot_id bigint not null references network_snapshots (id) on delete cascade,
  field text not null default '' check (field in ('', 'coordinates', 'user_agents')),
  tag text not null check (char_length(tag) between 1 and 64),
  body bytea not null,
  body_gzip bytea not null,
  body_br bytea not null,
  primary key (snapshot_id, field)
);
-- Already compressed: no second (pglz/lz4) attempt in TOAST.
alter table snapshot_bodies alter column body_gzip set storage external;
alter table snapshot_bodies alter column body_br set storage external;
alter table snapshot_bodies enable row level security;
