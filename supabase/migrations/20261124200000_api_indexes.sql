-- Indexes for the public JSON API (issue 4).
-- /api/nodes.json sorts ascending too; the initial schema's sort indexes are
-- descending with id ascending, which a backward scan turns into "asc nulls first,
-- id desc". The API keeps nulls last and id ascending in both directions, so the
-- ascending orders get their own indexes.
create index nodes_last_seen_asc_idx on nodes (last_seen asc nulls last, id);
create index nodes_first_seen_asc_idx on nodes (first_seen asc, id);
create index nodes_pix_score_asc_idx on nodes (pix_score asc nulls last, id);
create index nodes_uptime_asc_idx on nodes (uptime_percentage asc nulls last, id);
create index nodes_tier_order_asc_idx on nodes (tier_order asc, pix_score asc nulls last, id);
-- The leaderboards use nodes_rank_idx (rank) where rank is not null, from the initial schema.
