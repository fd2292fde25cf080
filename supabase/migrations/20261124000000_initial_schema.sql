-- Peerscope initial schema.
-- Plain PostgreSQL (15+): runs on Supabase (`supabase db push`), a local server,
-- and the embedded PGlite. No extensions beyond core are required.
-- Row level security is enabled on every table with no policies, so Supabase's
-- public REST roles (anon, authenticated) see nothing; the app connects as the
-- table owner, which bypasses RLS.

-- Nodes: one row per reachable or once-seen peer address of the tracked chain.
create table nodes (
  id bigint generated always as identity primary key,
  ip text not null,
  port integer not null check (port between 1 and 65535),
  network text not null default 'ipv4'
    check (network in ('ipv4', 'ipv6', 'onion', 'i2p', 'cjdns')),
  status text not null default 'unknown' check (status in ('up', 'down', 'unknown')),
  -- Handshake facts (from the peer's version message).
  protocol_version integer,
  user_agent text,
  services numeric(20, 0) check (services is null or services between 0 and 18446744073709551615),
  height integer,
  relay boolean,
  -- Geo and network ownership.
  hostname text,
  city text,
  region text,
  country char(2),
  country_name text,
  latitude double precision check (latitude is null or latitude between -90 and 90),
  longitude double precision check (longitude is null or longitude between -180 and 180),
  timezone text,
  asn integer,
  organization_name text,
  isp text,
  -- Measurement and scoring (see lib/scoring for the single definition).
  latency_ms double precision check (latency_ms is null or latency_ms >= 0),
  uptime_percentage double precision check (uptime_percentage is null or uptime_percentage between 0 and 100),
  reliability double precision check (reliability is null or reliability between 0 and 100),
  pix_score double precision check (pix_score is null or pix_score between 0 and 1000),
  tier text check (tier in ('diamond', 'gold', 'silver', 'bronze', 'standard')),
  tier_order smallint generated always as (
    case tier when 'diamond' then 5 when 'gold' then 4 when 'silver' then 3
      when 'bronze' then 2 when 'standard' then 1 else 0 end
  ) stored,
  rank integer check (rank is null or rank > 0),
  consecutive_failures integer not null default 0,
  -- Lifecycle.
  source text not null default 'discovered' check (source in ('seed', 'discovered', 'registered', 'manual')),
  connected_since timestamptz,
  first_seen timestamptz not null default now(),
  last_seen timestamptz,
  last_checked timestamptz,
  -- Ownership extras.
  verified boolean not null default false,
  verified_at timestamptz,
  tips_enabled boolean not null default false,
  tips_address text,
  hidden boolean not null default false,
  updated_at timestamptz not null default now(),
  unique (ip, port)
);

-- Filters offered by the API.
create index nodes_status_idx on nodes (status);
create index nodes_country_idx on nodes (country);
create index nodes_tier_idx on nodes (tier);
create index nodes_protocol_version_idx on nodes (protocol_version);
create index nodes_user_agent_idx on nodes (user_agent);
create index nodes_verified_idx on nodes (verified) where verified;
create index nodes_asn_idx on nodes (asn);
-- Sorts offered by the API (id breaks ties so paging is stable).
create index nodes_last_seen_idx on nodes (last_seen desc nulls last, id);
create index nodes_first_seen_idx on nodes (first_seen desc, id);
create index nodes_pix_score_idx on nodes (pix_score desc nulls last, id);
create index nodes_tier_order_idx on nodes (tier_order desc, pix_score desc nulls last, id);
create index nodes_uptime_idx on nodes (uptime_percentage desc nulls last, id);
create index nodes_rank_idx on nodes (rank) where rank is not null;
-- The crawler's work queue: who is due for a probe.
create index nodes_last_checked_idx on nodes (last_checked nulls first);

-- One row per probe of a node.
create table node_checks (
  id bigint generated always as identity primary key,
  node_id bigint not null references nodes (id) on delete cascade,
  checked_at timestamptz not null default now(),
  status text not null check (status in ('up', 'down')),
  latency_ms double precision check (latency_ms is null or latency_ms >= 0),
  protocol_version integer,
  user_agent text,
  services numeric(20, 0),
  height integer,
  error text
);
create index node_checks_node_time_idx on node_checks (node_id, checked_at desc);
create index node_checks_time_idx on node_checks (checked_at);

-- One row per completed crawl pass.
create table network_snapshots (
  id bigint generated always as identity primary key,
  taken_at timestamptz not null default now(),
  total_nodes integer not null check (total_nodes >= 0),
  online_nodes integer not null check (online_nodes >= 0),
  latest_height integer,
  pass_duration_ms integer,
  average_latency_ms double precision,
  average_uptime double precision,
  versions jsonb not null default '{}'::jsonb,
  countries jsonb not null default '{}'::jsonb,
  tiers jsonb not null default '{}'::jsonb,
  -- Bitnodes v1 snapshot body: {"ip:port": [positional fields], ...}.
  nodes jsonb
);
create index network_snapshots_taken_at_idx on network_snapshots (taken_at desc);

-- People. In production the id is the Supabase Auth user id; in the embedded
-- default it is issued by the local sign-in.
create table profiles (
  id uuid primary key default gen_random_uuid(),
  email text not null check (email = lower(email) and position('@' in email) > 1),
  display_name text,
  role text not null default 'user' check (role in ('user', 'admin')),
  banned_at timestamptz,
  ban_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_sign_in_at timestamptz
);
create unique index profiles_email_idx on profiles (email);

-- Password hashes for the embedded default's local sign-in only.
create table local_credentials (
  user_id uuid primary key references profiles (id) on delete cascade,
  password_hash text not null,
  updated_at timestamptz not null default now()
);

-- Nodes a user has registered ("my nodes").
create table user_nodes (
  user_id uuid not null references profiles (id) on delete cascade,
  node_id bigint not null references nodes (id) on delete cascade,
  label text,
  created_at timestamptz not null default now(),
  primary key (user_id, node_id)
);
create index user_nodes_node_idx on user_nodes (node_id);

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references profiles (id) on delete cascade,
  name text not null,
  -- First characters of the key, shown in lists so users can tell keys apart.
  key_prefix text not null,
  -- sha256 of the full key; the key itself is shown once and never stored.
  key_hash text not null unique,
  scopes text[] not null default array['read:nodes', 'read:stats']::text[]
    check (scopes <@ array['read:nodes', 'read:stats', 'read:leaderboard', 'read:profiles']::text[]),
  rate_limit_per_minute integer not null default 120 check (rate_limit_per_minute between 1 and 100000),
  usage_count bigint not null default 0,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_user_idx on api_keys (user_id);

create table api_key_usage (
  api_key_id uuid not null references api_keys (id) on delete cascade,
  day date not null,
  requests bigint not null default 0,
  primary key (api_key_id, day)
);

create table alert_subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references profiles (id) on delete cascade,
  node_id bigint not null references nodes (id) on delete cascade,
  events text[] not null default array['offline', 'online']::text[]
    check (events <@ array['offline', 'online', 'version_outdated', 'tier_change']::text[] and cardinality(events) > 0),
  channel text not null check (channel in ('email', 'discord', 'webhook')),
  -- An email address for 'email', an https URL for 'discord' and 'webhook'.
  target text not null,
  enabled boolean not null default true,
  cooldown_minutes integer not null default 60 check (cooldown_minutes between 0 and 10080),
  unsubscribe_token text not null unique,
  last_notified_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index alert_subscriptions_node_idx on alert_subscriptions (node_id) where enabled;
create index alert_subscriptions_user_idx on alert_subscriptions (user_id);

create table alert_history (
  id bigint generated always as identity primary key,
  subscription_id uuid references alert_subscriptions (id) on delete set null,
  user_id uuid references profiles (id) on delete cascade,
  node_id bigint references nodes (id) on delete set null,
  event text not null check (event in ('offline', 'online', 'version_outdated', 'tier_change')),
  channel text not null check (channel in ('email', 'discord', 'webhook')),
  -- Makes processing idempotent: one delivery per subscription and event occurrence.
  idempotency_key text not null unique,
  status text not null check (status in ('sent', 'failed', 'suppressed')),
  error text,
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index alert_history_user_time_idx on alert_history (user_id, created_at desc);
create index alert_history_subscription_time_idx on alert_history (subscription_id, created_at desc);

create table verifications (
  id uuid primary key default gen_random_uuid(),
  node_id bigint not null references nodes (id) on delete cascade,
  user_id uuid not null references profiles (id) on delete cascade,
  method text not null check (method in ('message_sign', 'http_file', 'dns_txt', 'user_agent')),
  challenge text not null,
  status text not null default 'pending'
    check (status in ('pending', 'needs_review', 'verified', 'rejected', 'expired')),
  evidence jsonb not null default '{}'::jsonb,
  failure_reason text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '7 days',
  decided_at timestamptz,
  decided_by uuid references profiles (id) on delete set null
);
create index verifications_node_idx on verifications (node_id);
create index verifications_user_idx on verifications (user_id);
create index verifications_open_idx on verifications (created_at) where status in ('pending', 'needs_review');

-- Administration.
create table admin_audit_log (
  id bigint generated always as identity primary key,
  actor_id uuid references profiles (id) on delete set null,
  action text not null,
  target_type text,
  target_id text,
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index admin_audit_log_time_idx on admin_audit_log (created_at desc);
create index admin_audit_log_actor_idx on admin_audit_log (actor_id, created_at desc);

create table app_settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now(),
  updated_by uuid references profiles (id) on delete set null
);

alter table nodes enable row level security;
alter table node_checks enable row level security;
alter table network_snapshots enable row level security;
alter table profiles enable row level security;
alter table local_credentials enable row level security;
alter table user_nodes enable row level security;
alter table api_keys enable row level security;
alter table api_key_usage enable row level security;
alter table alert_subscriptions enable row level security;
alter table alert_history enable row level security;
alter table verifications enable row level security;
alter table admin_audit_log enable row level security;
alter table app_settings enable row level security;
