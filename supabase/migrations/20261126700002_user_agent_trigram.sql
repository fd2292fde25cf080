-- nodes.json ?version=<text> is a case-insensitive substring search of user_agent
-- (ILIKE '%…%'), which no btree serves: a trigram index lets its page and its exact
-- count run as index scans instead of sequential scans of nodes (issue 13).
-- pg_trgm goes into the `extensions` schema where there is one (Supabase), else
-- the default schema; the operator class is named with the schema it is in. A
-- server without pg_trgm (no contrib) keeps working without the index.
do $$
declare
  trgm_schema text;
begin
  if not exists (select 1 from pg_extension where extname = 'pg_trgm') then
    begin
      if exists (select 1 from pg_namespace where nspname = 'extensions') then
        create extension pg_trgm with schema extensions;
      else
        create extension pg_trgm;
      end if;
    exception when others then
      raise notice 'pg_trgm is not available (%): nodes.json version searches stay sequential scans', sqlerrm;
      return;
    end;
  end if;
  select namespace.nspname into trgm_schema
  from pg_extension extension join pg_namespace namespace on namespace.oid = extension.extnamespace
  where extension.extname = 'pg_trgm';
  execute format('create index if not exists nodes_user_agent_trgm_idx on nodes using gin (user_agent %I.gin_trgm_ops)', trgm_schema);
end
$$;
