-- Issue 17: a third reachability state and version classes.
--
-- Reachability: tcp_connected records whether the latest probe's TCP connection was
-- accepted (null: never probed, or the writer could not tell). `reachability` derives the
-- state the API shows: 'up' (handshake completed), 'reachable' (TCP accepted, handshake
-- never completed), 'down' (TCP refused or timed out), 'unknown' (never probed).
-- `status` keeps its meaning (up/down/unknown) for uptime, alerts and the spec's `online`.
alter table nodes add column if not exists tcp_connected boolean;
alter table node_checks add column if not exists tcp_connected boolean;
update nodes set tcp_connected = true where status = 'up' and tcp_connected is null;

alter table nodes add column if not exists reachability text generated always as (
  case status
    when 'up' then 'up'
    when 'down' then case when tcp_connected then 'reachable' else 'down' end
    else 'unknown'
  end
) stored;

-- Version classes: the client name and version of the user agent's first component
-- ("/Satoshi:27.1.0/Knots:2025/" → Satoshi, {27,1,0,0}), parsed once per write so the
-- classes (lib/versions) are index range conditions. The name is 1-64 characters other
-- than ":/()", the version the whole run of digits and dots after the colon, and it must
-- be 1-4 numbers of at most 6 digits; anything else is null. (Unbounded patterns on the
-- user agent, bounded ones only on the short version: a bounded pattern over the whole
-- user agent costs ten times more per row.) lib/versions/parse.ts parses the same way
-- (tests/db/version-classes.test.ts holds them together).
alter table nodes add column if not exists client_name text generated always as (
  case
    when length((regexp_match(user_agent, '^/([^:/()]+):([0-9.]+)'))[1]) <= 64
     and (regexp_match(user_agent, '^/([^:/()]+):([0-9.]+)'))[2] ~ '^[0-9]{1,6}(\.[0-9]{1,6}){0,3}$'
    then (regexp_match(user_agent, '^/([^:/()]+):([0-9.]+)'))[1]
  end
) stored;
-- "27.1" → "27.1.0.0.0" → the first four numbers: {27,1,0,0}.
alter table nodes add column if not exists client_version integer[] generated always as (
  case
    when length((regexp_match(user_agent, '^/([^:/()]+):([0-9.]+)'))[1]) <= 64
     and (regexp_match(user_agent, '^/([^:/()]+):([0-9.]+)'))[2] ~ '^[0-9]{1,6}(\.[0-9]{1,6}){0,3}$'
    then (string_to_array((regexp_match(user_agent, '^/([^:/()]+):([0-9.]+)'))[2] || '.0.0.0', '.'))[1:4]::integer[]
  end
) stored;

-- The nodes.json filters `status` and `version_status` (and the counts behind stats.json).
create index if not exists nodes_reachability_idx on nodes (reachability, last_seen desc nulls last, id) where not hidden;
create index if not exists nodes_client_version_idx on nodes (client_name, client_version) where not hidden;

-- The version settings replace the old outdated rules (lib/versions): a set minimum
-- user-agent version becomes the minimum version class.
insert into app_settings (key, value, updated_at)
select 'versions.minimum', value, now() from app_settings
where key = 'alerts.min_user_agent_version' and value <> 'null'::jsonb
on conflict (key) do nothing;
delete from app_settings where key in ('alerts.min_protocol_version', 'alerts.min_user_agent_version', 'alerts.version_major_lag');
