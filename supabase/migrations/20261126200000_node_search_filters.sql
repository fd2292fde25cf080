-- nodes.json search and filters (issue 15): q (address, user agent, hostname,
-- organisation, ISP), asn, network and services, each served by an index so no
-- filter needs a sequential scan of the nodes table (lib/api/node-search.ts builds
-- the conditions; the expressions below must stay identical to the ones there).

-- network = 'onion' / 'i2p' / 'cjdns' / ...
create index if not exists nodes_network_idx on nodes (network);

-- services: the positions of the bits 0-15 set in a node's uint64 service flags
-- (every named flag lives there), so that "has NODE_WITNESS and NODE_P2P_V2" is
-- `peerscope_service_bits(services) @> '{3,11}'`, answered by a GIN index. One SQL
-- expression, not strict and without a SET clause, so PostgreSQL inlines it: a few
-- microseconds per row, which every node update pays (a set-returning version cost ~20x).
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
create index if not exists nodes_service_bits_idx on nodes using gin (peerscope_service_bits(services));

-- q: a case-insensitive substring search over one text made of the searchable
-- fields (newline-separated; a search cannot contain a newline, so a match never
-- spans two fields), with a pg_trgm GIN index for ILIKE '%...%'. pg_trgm ships with
-- PostgreSQL (contrib; the embedded-postgres binaries include it) and is a trusted
-- extension on 13+ and allowed on Supabase (created in its `extensions` schema).
-- Where it cannot be created the search still works, without an index.
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
  execute format(
    'create index if not exists nodes_search_trgm_idx on nodes using gin ('
    || '(ip || E''\n'' || coalesce(user_agent, '''') || E''\n'' || coalesce(hostname, '''') || E''\n'''
    || ' || coalesce(organization_name, '''') || E''\n'' || coalesce(isp, '''')) %I.gin_trgm_ops)',
    trgm_schema);
end $$;
