-- Accounts, node registration, verification and alerts (issue 5).

-- One row per registration attempt: the per-user hourly limit and
-- GET /api/nodes/register read it.
create table node_registrations (
  id bigint generated always as identity primary key,
  user_id uuid not null references profiles (id) on delete cascade,
  ip text not null,
  port integer not null check (port between 1 and 65535),
  node_id bigint references nodes (id) on delete set null,
  reachable boolean not null,
  error text,
  protocol_version integer,
  user_agent text,
  latency_ms double precision,
  created_at timestamptz not null default now()
);
create index node_registrations_user_time_idx on node_registrations (user_id, created_at desc);
create index node_registrations_address_idx on node_registrations (ip, port, created_at desc);
alter table node_registrations enable row level security;

-- Alerts: the last state each subscription reported (null until the processor
-- first sees the node, which sets a silent baseline), a transition counter that
-- makes idempotency keys unique per state change, and the webhook signing secret.
alter table alert_subscriptions
  add column last_status text check (last_status in ('up', 'down', 'unknown')),
  add column last_outdated boolean,
  add column last_tier text,
  add column state_version integer not null default 0,
  add column webhook_secret text;

-- Delivery attempts, so failed deliveries are retried a bounded number of times.
alter table alert_history
  add column attempts integer not null default 1,
  add column updated_at timestamptz not null default now();
create index alert_history_retry_idx on alert_history (created_at) where status = 'failed';
