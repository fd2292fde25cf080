-- One row per crawl pass: how it went, for the dashboard's "no network" banner, /api/health and /api/metrics.
-- Rows are kept (one per pass, a few hundred bytes), so counts over this table are monotonic counters.
create table crawler_runs (
  id bigint generated always as identity primary key,
  chain text not null,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  duration_ms integer not null check (duration_ms >= 0),
  outcome text not null check (outcome in ('ok', 'failed', 'aborted')),
  -- DNS seeds asked this pass and how many answered with at least one address.
  dns_seeds integer not null default 0 check (dns_seeds >= 0),
  dns_seeds_resolved integer not null default 0 check (dns_seeds_resolved >= 0),
  due_at_start integer not null default 0,
  dialed integer not null default 0,
  dialed_ok integer not null default 0,
  dialed_failed integer not null default 0,
  learned integer not null default 0,
  online_nodes integer,
  error text
);
create index crawler_runs_finished_idx on crawler_runs (finished_at desc);

alter table crawler_runs enable row level security;
