-- A snapshot's stored aggregates and bodies are recomputed in place when the ban/hide
-- lists change (lib/snapshots/refresh.ts); revision counts those rewrites, so every web
-- process's per-snapshot cache (lib/api/snapshot-cache.ts) sees the change within one probe.
alter table network_snapshots add column if not exists revision integer not null default 0;
