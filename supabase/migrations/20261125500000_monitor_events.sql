-- Live network: the monitor's event log, connection spans (exact uptime),
-- open exceptions per node, and the measurements the monitor feeds scoring.
-- See lib/monitor, lib/events and docs/scoring.md ("Live measurements").

create table node_events (
  id bigint generated always as identity primary key,
  node_id bigint not null references nodes (id) on delete cascade,
  type text not null check (type in ('node_up', 'node_down', 'node_new', 'version_changed', 'height_behind',
                                     'tier_changed', 'exception_raised', 'exception_cleared')),
  occurred_at timestamptz not null default now(),
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index node_events_node_idx on node_events (node_id, id desc);
create index node_events_type_idx on node_events (type, id desc);
create index node_events_occurred_idx on node_events (occurred_at);
alter table node_events enable row level security;

-- Every insert statement tells listening web processes the newest id (one notification per batch).
create function node_events_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('peerscope_events', (select max(id)::text from inserted));
  return null;
end $$;
create trigger node_events_notify after insert on node_events
  referencing new table as inserted for each statement execute function node_events_notify();

-- node_new: a node seen up for the first time (by the crawler, a registration or the monitor).
create function node_events_from_nodes() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' or old.status is distinct from new.status then
    if new.status = 'up' and (tg_op = 'INSERT' or old.last_seen is null) then
      insert into node_events (node_id, type, details)
      values (new.id, 'node_new', jsonb_build_object('user_agent', new.user_agent, 'protocol_version', new.protocol_version));
    end if;
  end if;
  if tg_op = 'UPDATE' and old.tier is not null and new.tier is not null and old.tier <> new.tier then
    insert into node_events (node_id, type, details) values (new.id, 'tier_changed', jsonb_build_object('from', old.tier, 'to', new.tier));
  end if;
  return null;
end $$;
create trigger node_events_on_insert after insert on nodes
  for each row when (new.status = 'up') execute function node_events_from_nodes();
create trigger node_events_on_update after update of status, tier on nodes
  for each row when ((old.status is distinct from new.status and new.status = 'up' and old.last_seen is null)
                     or (old.tier is distinct from new.tier))
  execute function node_events_from_nodes();

-- Connection spans: while the monitor observes a node it is in exactly one open span ('up' connected,
-- 'down' not). touched_at is refreshed while the monitor runs, so a crashed monitor's open spans end there.
create table node_monitor_spans (
  id bigint generated always as identity primary key,
  node_id bigint not null references nodes (id) on delete cascade,
  state text not null check (state in ('up', 'down')),
  started_at timestamptz not null,
  ended_at timestamptz,
  touched_at timestamptz not null default now(),
  check (ended_at is null or ended_at >= started_at)
);
create index node_monitor_spans_node_idx on node_monitor_spans (node_id, started_at);
create index node_monitor_spans_open_idx on node_monitor_spans (node_id) where ended_at is null;
create index node_monitor_spans_end_idx on node_monitor_spans (ended_at);
alter table node_monitor_spans enable row level security;

-- Open exceptions (a node's current problems) with since-when; history lives in node_events.
create table node_exceptions (
  node_id bigint not null references nodes (id) on delete cascade,
  kind text not null check (kind in ('offline', 'not_accepting_connections', 'behind_tip', 'outdated', 'high_latency', 'flapping')),
  since timestamptz not null,
  details jsonb not null default '{}'::jsonb,
  primary key (node_id, kind)
);
alter table node_exceptions enable row level security;

-- What the monitor measured (null: never monitored).
alter table nodes add column monitor_seen_at timestamptz;
alter table nodes add column monitor_latency_ms double precision check (monitor_latency_ms is null or monitor_latency_ms >= 0);
alter table nodes add column monitor_uptime_7d double precision check (monitor_uptime_7d is null or monitor_uptime_7d between 0 and 100);
alter table nodes add column monitor_uptime_30d double precision check (monitor_uptime_30d is null or monitor_uptime_30d between 0 and 100);
alter table nodes add column monitor_observed_hours_7d double precision check (monitor_observed_hours_7d is null or monitor_observed_hours_7d >= 0);
