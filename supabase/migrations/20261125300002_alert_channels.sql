-- One alert subscription may send email AND a webhook (AtlasP2P's alert_subscriptions):
-- email_enabled/email_address and webhook_enabled/webhook_url/webhook_type replace the
-- single channel/target pair. Existing subscriptions keep what they did.
alter table alert_subscriptions
  add column email_enabled boolean not null default false,
  add column email_address text check (char_length(email_address) <= 254),
  add column webhook_enabled boolean not null default false,
  add column webhook_url text check (char_length(webhook_url) <= 2000),
  add column webhook_type text check (webhook_type in ('discord', 'generic'));

update alert_subscriptions set
  email_enabled = (channel = 'email'),
  email_address = case when channel = 'email' then target end,
  webhook_enabled = (channel in ('discord', 'webhook')),
  webhook_url = case when channel in ('discord', 'webhook') then target end,
  webhook_type = case channel when 'discord' then 'discord' when 'webhook' then 'generic' end;

alter table alert_subscriptions
  drop column channel,
  drop column target,
  add constraint alert_subscriptions_email_target check (not email_enabled or email_address is not null),
  add constraint alert_subscriptions_webhook_target check (not webhook_enabled or (webhook_url is not null and webhook_type is not null));

-- alert_history keeps one row per channel delivery (its own status, error and retries);
-- change_key groups the deliveries of one state change for GET /api/alerts/history.
alter table alert_history add column change_key text;
update alert_history set change_key = idempotency_key;
alter table alert_history alter column change_key set not null;
create index alert_history_user_change_idx on alert_history (user_id, change_key);
