-- The aggregates behind /api/stats.json and /api/countries.json, computed once per
-- snapshot (after each crawl pass) instead of on every request (issue 13).
-- api_aggregates: lib/api/aggregates NetworkAggregates; countries_online and
-- countries_all: lib/api/countries CountryRow[] for online_only=true and false.
-- Null on snapshots taken before this migration (and on seeded ones): the API then
-- computes the answer live.
alter table network_snapshots
  add column api_aggregates jsonb,
  add column countries_online jsonb,
  add column countries_all jsonb;
