-- nodes.json ?version=<text> is a case-insensitive substring search of user_agent
-- (ILIKE '%…%'), which no btree serves: a trigram index lets its page and its exact
-- count run as index scans instead of sequential scans of nodes (issue 13).
-- pg_trgm goes into the `extensions` schema where there is one (Supabase), else
-- the default schema; the operator class is named with the schema it is in.
do $$
declare
  trgm_schema text;
begin
  if not exists (select 1 from pg_extension where extname = 'pg_trgm') then
    if exists (select 1 from pg_namespace where nspname = 'extensions') then
      create extension pg_trgm with schema extensions;
    else
      create extension pg_trgm;
    end if;
  end if;
  select namespace.nspname into trgm_schema
  from pg_extension extension join pg_namespace namespace on namespace.oid = extension.extnamespace
  where extension.extname = 'pg_trgm';
  execute format('create index if not exists nodes_user_agent_trgm_idx on nodes using gin (user_agent %I.gin_trgm_ops)', trgm_schema);
end
$$;
