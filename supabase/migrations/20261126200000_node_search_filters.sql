-- nodes.json search and filters (issue 15): q (address, user agent, hostname,
-- organisation, ISP), asn, network and services, each served by an index so no
-- filter needs a sequential scan of the nodes table (lib/api/node-search.ts builds
-- the conditions; the expressions below must stay identical to the ones there).

-- network = 'onion' / 'i2p' / 'cjdns' / ...
create index if not exists nodes_network_idx on nodes (network);

-- services: the bit positions set in a node's uint64 service flags, so that
-- "has NODE_WITNESS and NODE_P2P_V2" is `peerscope_service_bits(services) @> '{3,11}'`,
-- answered by a GIN index. div() is exact integer division on numeric(20,0).
create or replace function peerscope_service_bits(services numeric) returns smallint[]
  language sql immutable strict parallel safe
  set search_path = ''
as $$
  select coalesce(array_agg(bit::smallint order by bit), '{}'::smallint[])
  from pg_catalog.generate_series(0, 63) as bit
  where pg_catalog.mod(pg_catalog.div(services, 2::numeric ^ bit), 2) = 1
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
