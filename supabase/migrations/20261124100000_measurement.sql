-- Measurement columns filled by the crawler (lib/crawler/measure, lib/crawler/persist).
-- See lib/scoring and docs/scoring.md for how they feed PIX, tiers and rank.

-- Median round trip of the successful probes of the last 7 days: the latency PIX uses.
-- (latency_ms stays the latest measurement.)
alter table nodes add column median_latency_ms double precision
  check (median_latency_ms is null or median_latency_ms >= 0);

-- Hours of the 7-day uptime window actually covered by probes; under 24 caps the tier at 'standard'.
alter table nodes add column uptime_observed_hours double precision
  check (uptime_observed_hours is null or uptime_observed_hours >= 0);

-- When the geo columns were last filled from the geo databases (null: never).
alter table nodes add column geo_updated_at timestamptz;
