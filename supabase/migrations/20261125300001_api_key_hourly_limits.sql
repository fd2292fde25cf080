-- API keys as the AtlasP2P spec has them: a description, and rateLimit in requests per
-- HOUR (10–10000, default 1000) instead of per minute. Existing limits keep their rate.
alter table api_keys
  add column description text check (char_length(description) <= 500),
  add column rate_limit_per_hour integer not null default 1000 check (rate_limit_per_hour between 10 and 10000);
update api_keys set rate_limit_per_hour = least(10000, greatest(10, rate_limit_per_minute * 60));
alter table api_keys drop column rate_limit_per_minute;
