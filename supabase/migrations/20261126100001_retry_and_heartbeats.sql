-- Point detail (issue 15): POST /api/admin/nodes/[id]/retry clears a node's backoff; the crawler's
-- work list takes a node whose retry was asked after its last probe at once (lib/crawler/persist/due.ts).
alter table nodes add column if not exists retry_requested_at timestamptz;

-- Crawler health (issue 15): each monitor process writes a heartbeat after every target sync, read by /api/health.
create table if not exists monitor_heartbeats (
  shard_index integer not null check (shard_index >= 0),
  shard_count integer not null check (shard_count >= 1),
  started_at timestamptz not null,
  beat_at timestamptz not null,
  sync_ms integer not null default 0 check (sync_ms >= 0),
  held integer not null default 0,
  connected integer not null default 0,
  down integer not null default 0,
  primary key (shard_index, shard_count)
);
alter table monitor_heartbeats enable row level security;

-- The crawler worker's liveness: written when it starts, at each pass start and every few seconds during a
-- pass; removed on a clean stop (a cleanly stopped crawler is "not running", a crashed one goes stale).
create table if not exists crawler_heartbeats (
  chain text primary key,
  started_at timestamptz not null,
  pass_started_at timestamptz,
  beat_at timestamptz not null
);
alter table crawler_heartbeats enable row level security;
