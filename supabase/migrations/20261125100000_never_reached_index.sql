-- The crawler prunes gossiped addresses that were never reached (lib/crawler/persist/prune.ts):
-- find them without scanning every node.
create index if not exists nodes_never_reached_idx on nodes (first_seen) where last_seen is null;
