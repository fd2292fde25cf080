-- Ban, hide and deny lists (issue 15): an admin bans or hides a node (ip:port), an address range (CIDR)
-- or an ASN, with a reason and an optional expiry. A ban is never dialed (crawler, monitor, checks,
-- registration) and is hidden; a hide only disappears from public lists and totals.
-- The public lists read the flags kept on nodes (banned, list_hidden → hidden), never the list itself:
-- refresh_node_lists() keeps them in step (on every change, each crawl pass, each monitor sync).
create table if not exists node_bans (
  id bigint generated always as identity primary key,
  action text not null check (action in ('ban', 'hide')),
  target_type text not null check (target_type in ('node', 'cidr', 'asn')),
  ip text,
  port integer check (port is null or port between 1 and 65535),
  cidr cidr,
  asn bigint check (asn is null or asn between 0 and 4294967295),
  reason text not null check (char_length(reason) between 1 and 500),
  created_by uuid references profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  lifted_at timestamptz,
  lifted_by uuid references profiles (id) on delete set null,
  check (
    (target_type = 'node' and ip is not null and port is not null and cidr is null and asn is null)
    or (target_type = 'cidr' and cidr is not null and ip is null and port is null and asn is null)
    or (target_type = 'asn' and asn is not null and ip is null and port is null and cidr is null)
  ),
  check (expires_at is null or expires_at > created_at)
);
create index if not exists node_bans_open_idx on node_bans (created_at desc) where lifted_at is null;
alter table node_bans enable row level security;

-- banned: matched by an active ban (never dialed). list_hidden: matched by an active ban or hide; it sets
-- hidden (which every public list already filters on) and, when the entry goes, clears it again.
alter table nodes add column if not exists banned boolean not null default false;
alter table nodes add column if not exists list_hidden boolean not null default false;
create index if not exists nodes_list_hidden_idx on nodes (id) where list_hidden;
-- A node's address as inet (null for onion/i2p names and anything unparsable), for CIDR entries.
create or replace function node_inet(network text, ip text) returns inet language plpgsql immutable parallel safe as $$
begin
  if network not in ('ipv4', 'ipv6', 'cjdns') then return null; end if;
  return ip::inet;
exception when others then return null;
end $$;
-- CIDR entries match through this index (inet <<= cidr), never a scan of every node.
create index if not exists nodes_inet_idx on nodes using gist (node_inet(network, ip) inet_ops);

-- Recomputes banned/list_hidden (and hidden) for the nodes that are or were listed; returns how many changed.
-- Entries past expires_at stop matching here, so expiry needs nothing but a call.
create or replace function refresh_node_lists() returns integer language sql as $$
  with active as (
    select action, target_type, ip, port, cidr, asn from node_bans
    where lifted_at is null and (expires_at is null or expires_at > now())
  ), matches as (
    select n.id, a.action from active a join nodes n on a.target_type = 'node' and n.ip = a.ip and n.port = a.port
    union all
    select n.id, a.action from active a join nodes n on a.target_type = 'asn' and n.asn = a.asn
    union all
    select n.id, a.action from active a join nodes n
      on a.target_type = 'cidr' and node_inet(n.network, n.ip) <<= a.cidr
  ), matched as (
    select id, bool_or(action = 'ban') as banned from matches group by id
  ), desired as (
    select coalesce(m.id, n.id) as id, coalesce(m.banned, false) as banned, m.id is not null as listed
    from matched m full join (select id from nodes where list_hidden) n on n.id = m.id
  ), changed as (
    update nodes n set
      banned = d.banned,
      list_hidden = d.listed,
      hidden = case when d.listed then true when n.list_hidden then false else n.hidden end,
      updated_at = now()
    from desired d
    where n.id = d.id and (n.banned is distinct from d.banned or n.list_hidden is distinct from d.listed)
    returning 1
  )
  select count(*)::int from changed
$$;

-- Hidden nodes, for taking them out of stored snapshot maps at read time (GET /api/v1/snapshots/…).
create index if not exists nodes_hidden_idx on nodes (ip, port) where hidden;
