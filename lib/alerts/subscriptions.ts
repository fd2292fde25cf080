import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Sql } from '../db/client';
import { conflict, HttpError, notFound } from '../http/http-error';
import { integerInput, nodeIdSchema } from '../http/id-schemas';
import { allowLoopbackWebhooks } from '../net/ip-policy';
import { checkUrlShape, resolveSafeAddress, UnsafeDestinationError, type Resolver } from '../net/safe-fetch';
import { withUserQuotaLock } from '../quotas/user-quota';
import { getSetting } from '../settings/app-settings';
import { describeAlert, type AlertEvent, type AlertMessage } from './delivery';

const DISCORD_HOSTS = new Set(['discord.com', 'discordapp.com', 'ptb.discord.com', 'canary.discord.com']);
export const WEBHOOK_TYPES = ['discord', 'generic'] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

/** The spec's request fields (camelCase) and which event each switches. */
const EVENT_FLAGS = {
  alertOffline: 'offline',
  alertOnline: 'online',
  alertVersionOutdated: 'version_outdated',
  alertTierChange: 'tier_change',
} as const satisfies Record<string, AlertEvent>;

const settingsFields = {
  alertOffline: z.boolean(),
  alertOnline: z.boolean(),
  alertVersionOutdated: z.boolean(),
  alertTierChange: z.boolean(),
  emailEnabled: z.boolean(),
  /** Extra: where email alerts go; the account's email when absent. */
  emailAddress: z.email().max(254).nullish(),
  webhookEnabled: z.boolean(),
  webhookUrl: z.string().trim().min(3).max(2000).nullish(),
  webhookType: z.enum(WEBHOOK_TYPES),
  cooldownMinutes: integerInput(z.number().int().min(0).max(10080)),
};

/** POST /api/alerts (the spec's camelCase body). */
export const createSubscriptionSchema = z
  .object({
    nodeId: nodeIdSchema,
    alertOffline: settingsFields.alertOffline.default(true),
    alertOnline: settingsFields.alertOnline.default(true),
    alertVersionOutdated: settingsFields.alertVersionOutdated.default(false),
    alertTierChange: settingsFields.alertTierChange.default(false),
    emailEnabled: settingsFields.emailEnabled.default(true),
    emailAddress: settingsFields.emailAddress,
    webhookEnabled: settingsFields.webhookEnabled.default(false),
    webhookUrl: settingsFields.webhookUrl,
    webhookType: settingsFields.webhookType.optional(),
    cooldownMinutes: settingsFields.cooldownMinutes.default(60),
  })
  .strict();
export type CreateSubscriptionInput = z.input<typeof createSubscriptionSchema>;

/** PUT /api/alerts/[id]: any of the create fields but nodeId, plus `enabled` and `rotateSecret`. */
export const updateSubscriptionSchema = z
  .object({
    alertOffline: settingsFields.alertOffline.optional(),
    alertOnline: settingsFields.alertOnline.optional(),
    alertVersionOutdated: settingsFields.alertVersionOutdated.optional(),
    alertTierChange: settingsFields.alertTierChange.optional(),
    emailEnabled: settingsFields.emailEnabled.optional(),
    emailAddress: settingsFields.emailAddress,
    webhookEnabled: settingsFields.webhookEnabled.optional(),
    webhookUrl: settingsFields.webhookUrl,
    webhookType: settingsFields.webhookType.optional(),
    cooldownMinutes: settingsFields.cooldownMinutes.optional(),
    enabled: z.boolean().optional(),
    rotateSecret: z.literal(true).optional(),
  })
  .strict()
  .refine((input) => Object.keys(input).length > 0, 'nothing to update');
export type UpdateSubscriptionInput = z.input<typeof updateSubscriptionSchema>;

export interface TargetCheckOptions {
  allowLoopback?: boolean;
  production?: boolean;
  resolver?: Resolver;
}

/**
 * Validates a webhook URL against SSRF: https only in production, every resolved address
 * public (loopback only with PEERSCOPE_ALLOW_LOOPBACK_WEBHOOKS=1, for tests). Discord URLs must
 * be discord.com /api/webhooks/… (any host only with the loopback allowance). Checked again at delivery.
 */
export async function validateWebhookUrl(type: WebhookType, target: string, options: TargetCheckOptions = {}): Promise<string> {
  const allowLoopback = options.allowLoopback ?? allowLoopbackWebhooks();
  const production = options.production ?? process.env.NODE_ENV === 'production';
  try {
    const url = checkUrlShape(target, { requireHttps: production });
    if (type === 'discord') {
      if (!url.pathname.startsWith('/api/webhooks/')) throw new UnsafeDestinationError('a Discord webhook URL looks like https://discord.com/api/webhooks/<id>/<token>');
      if (!allowLoopback && !DISCORD_HOSTS.has(url.hostname)) throw new UnsafeDestinationError('Discord webhooks must be on discord.com');
    }
    await resolveSafeAddress(url.hostname, { allowLoopback, resolver: options.resolver });
    return url.toString();
  } catch (error) {
    if (error instanceof UnsafeDestinationError) throw new HttpError(400, 'Invalid webhookUrl', `The webhook URL is not allowed: ${error.message}.`);
    throw error;
  }
}

/** discord.com URLs are Discord webhooks; everything else a signed generic JSON webhook. */
export function guessWebhookType(url: string): WebhookType {
  try {
    return DISCORD_HOSTS.has(new URL(url).hostname) ? 'discord' : 'generic';
  } catch {
    return 'generic';
  }
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;
/** 64 hex characters, as in the spec's unsubscribe links. */
export const newUnsubscribeToken = () => randomBytes(32).toString('hex');

interface SubscriptionRow {
  id: string;
  node_id: string;
  events: AlertEvent[];
  email_enabled: boolean;
  email_address: string | null;
  webhook_enabled: boolean;
  webhook_url: string | null;
  webhook_type: WebhookType | null;
  cooldown_minutes: number;
  enabled: boolean;
  last_notified_at: Date | null;
  created_at: Date;
  updated_at: Date;
  node_ip: string;
  node_port: number;
  node_status: string;
  node_country_name: string | null;
}

const SELECT = (sql: Sql) => sql`
  select s.id, s.node_id::text as node_id, s.events, s.email_enabled, s.email_address, s.webhook_enabled, s.webhook_url,
    s.webhook_type, s.cooldown_minutes, s.enabled, s.last_notified_at, s.created_at, s.updated_at,
    n.ip as node_ip, n.port as node_port, n.status as node_status, n.country_name as node_country_name
  from alert_subscriptions s join nodes n on n.id = s.node_id`;

/** A subscription as the spec shows it (snake_case, nested node); webhook secrets are never listed. */
export function presentSubscription(row: SubscriptionRow) {
  return {
    id: row.id,
    node_id: row.node_id,
    alert_offline: row.events.includes('offline'),
    alert_online: row.events.includes('online'),
    alert_version_outdated: row.events.includes('version_outdated'),
    alert_tier_change: row.events.includes('tier_change'),
    email_enabled: row.email_enabled,
    email_address: row.email_address,
    webhook_enabled: row.webhook_enabled,
    webhook_url: row.webhook_url,
    webhook_type: row.webhook_type,
    cooldown_minutes: row.cooldown_minutes,
    enabled: row.enabled,
    last_notified_at: row.last_notified_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    node: { id: row.node_id, ip: row.node_ip, port: row.node_port, status: row.node_status, country_name: row.node_country_name },
  };
}
export type SubscriptionView = ReturnType<typeof presentSubscription>;

async function readSubscription(sql: Sql, userId: string, id: string): Promise<SubscriptionView> {
  const [row] = await sql<SubscriptionRow[]>`${SELECT(sql)} where s.id = ${id} and s.user_id = ${userId}`;
  if (!row) throw notFound('Alert subscription');
  return presentSubscription(row);
}

export async function listSubscriptions(sql: Sql, userId: string): Promise<SubscriptionView[]> {
  const rows = await sql<SubscriptionRow[]>`${SELECT(sql)} where s.user_id = ${userId} order by s.created_at desc, s.id`;
  return rows.map(presentSubscription);
}

type Flags = Partial<Record<keyof typeof EVENT_FLAGS, boolean>>;
function eventsFrom(flags: Flags, current: readonly AlertEvent[] = []): AlertEvent[] {
  const events = new Set<AlertEvent>(current);
  for (const [flag, event] of Object.entries(EVENT_FLAGS) as [keyof typeof EVENT_FLAGS, AlertEvent][]) {
    if (flags[flag] === true) events.add(event);
    if (flags[flag] === false) events.delete(event);
  }
  const ordered = Object.values(EVENT_FLAGS).filter((event) => events.has(event));
  if (ordered.length === 0) throw new HttpError(400, 'Invalid request', 'Choose at least one event: alertOffline, alertOnline, alertVersionOutdated or alertTierChange.');
  return ordered;
}

/** Resolves the channel fields of a create or update against the current state; checks the webhook URL. */
async function channelsFrom(
  input: { emailEnabled?: boolean; emailAddress?: string | null; webhookEnabled?: boolean; webhookUrl?: string | null; webhookType?: WebhookType },
  current: { email_enabled: boolean; email_address: string | null; webhook_enabled: boolean; webhook_url: string | null; webhook_type: WebhookType | null },
  accountEmail: string,
  options: TargetCheckOptions,
) {
  const emailEnabled = input.emailEnabled ?? current.email_enabled;
  const emailAddress = (input.emailAddress ?? current.email_address ?? (emailEnabled ? accountEmail : null))?.toLowerCase() ?? null;
  const webhookEnabled = input.webhookEnabled ?? current.webhook_enabled;
  let webhookUrl = input.webhookUrl === undefined ? current.webhook_url : input.webhookUrl;
  const webhookType = input.webhookType ?? (input.webhookUrl ? guessWebhookType(input.webhookUrl) : current.webhook_type) ?? (webhookUrl ? guessWebhookType(webhookUrl) : null);
  if (webhookEnabled && !webhookUrl) throw new HttpError(400, 'Invalid request', 'webhookUrl is required when webhookEnabled is true.');
  if (webhookUrl && (input.webhookUrl !== undefined || input.webhookType !== undefined || (webhookEnabled && !current.webhook_enabled))) {
    webhookUrl = await validateWebhookUrl(webhookType ?? 'generic', webhookUrl, options);
  }
  return { emailEnabled, emailAddress, webhookEnabled, webhookUrl: webhookUrl ?? null, webhookType: webhookUrl ? (webhookType ?? 'generic') : null };
}

/**
 * Creates a subscription for one of the user's nodes, under the user's quota lock (alerts.max_per_user).
 * A generic webhook gets a signing secret, returned here once as webhook_secret.
 */
export async function createSubscription(sql: Sql, userId: string, rawInput: CreateSubscriptionInput, options: TargetCheckOptions = {}) {
  const input = createSubscriptionSchema.parse(rawInput);
  const [owner] = await sql<{ linked: boolean; email: string }[]>`
    select exists (select 1 from user_nodes where user_id = ${userId} and node_id = ${input.nodeId}) as linked,
      (select email from profiles where id = ${userId}) as email`;
  if (!owner?.linked) {
    const [exists] = await sql`select 1 from nodes where id = ${input.nodeId}`;
    if (!exists) throw notFound('Node');
    throw new HttpError(403, 'Forbidden', 'Alerts are for your own nodes: register the node first.');
  }
  const events = eventsFrom(input);
  const channels = await channelsFrom(input, { email_enabled: false, email_address: null, webhook_enabled: false, webhook_url: null, webhook_type: null }, owner.email, options);
  if (!channels.emailEnabled && !channels.webhookEnabled) throw new HttpError(400, 'Invalid request', 'Enable email (emailEnabled) or a webhook (webhookEnabled with webhookUrl).');
  const secret = channels.webhookType === 'generic' ? newSecret() : null;
  const id = await withUserQuotaLock(sql, userId, async (tx) => {
    const max = await getSetting(tx, 'alerts.max_per_user');
    const [{ count } = { count: 0 }] = await tx<{ count: number }[]>`select count(*)::int as count from alert_subscriptions where user_id = ${userId}`;
    if (count >= max) throw conflict(`You already have ${count} alert subscriptions (the most allowed is ${max}).`);
    const [row] = await tx<{ id: string }[]>`
      insert into alert_subscriptions (user_id, node_id, events, email_enabled, email_address, webhook_enabled, webhook_url, webhook_type,
        cooldown_minutes, unsubscribe_token, webhook_secret)
      values (${userId}, ${input.nodeId}, ${events}, ${channels.emailEnabled}, ${channels.emailAddress}, ${channels.webhookEnabled},
        ${channels.webhookUrl}, ${channels.webhookType}, ${input.cooldownMinutes}, ${newUnsubscribeToken()}, ${secret})
      returning id`;
    return row!.id;
  });
  return { subscription: await readSubscription(sql, userId, id), webhook_secret: secret };
}

export async function updateSubscription(sql: Sql, userId: string, id: string, rawInput: UpdateSubscriptionInput, options: TargetCheckOptions = {}) {
  const input = updateSubscriptionSchema.parse(rawInput);
  const [current] = await sql<(Omit<SubscriptionRow, 'node_ip' | 'node_port' | 'node_status' | 'node_country_name'> & { webhook_secret: string | null; email: string })[]>`
    select s.events, s.email_enabled, s.email_address, s.webhook_enabled, s.webhook_url, s.webhook_type, s.webhook_secret, p.email
    from alert_subscriptions s join profiles p on p.id = s.user_id
    where s.id = ${id} and s.user_id = ${userId}`;
  if (!current) throw notFound('Alert subscription');
  const events = eventsFrom(input, current.events);
  const channels = await channelsFrom(input, current, current.email, options);
  if (input.rotateSecret && channels.webhookType !== 'generic') throw new HttpError(400, 'Invalid request', 'Only generic webhooks have a signing secret.');
  const secret = input.rotateSecret || (channels.webhookType === 'generic' && !current.webhook_secret) ? newSecret() : null;
  await sql`
    update alert_subscriptions set
      events = ${events},
      email_enabled = ${channels.emailEnabled},
      email_address = ${channels.emailAddress},
      webhook_enabled = ${channels.webhookEnabled},
      webhook_url = ${channels.webhookUrl},
      webhook_type = ${channels.webhookType},
      cooldown_minutes = coalesce(${input.cooldownMinutes ?? null}::int, cooldown_minutes),
      enabled = coalesce(${input.enabled ?? null}::boolean, enabled),
      webhook_secret = coalesce(${secret}::text, webhook_secret),
      updated_at = now()
    where id = ${id} and user_id = ${userId}`;
  return { subscription: await readSubscription(sql, userId, id), ...(secret && { webhook_secret: secret }) };
}

export async function deleteSubscription(sql: Sql, userId: string, id: string): Promise<void> {
  const rows = await sql`delete from alert_subscriptions where id = ${id} and user_id = ${userId} returning id`;
  if (rows.length === 0) throw notFound('Alert subscription');
}

/** Unsubscribe links carry 64 hex characters (older subscriptions: 32 base64url characters). */
export const unsubscribeTokenSchema = z
  .string()
  .trim()
  .regex(/^([0-9a-f]{64}|[A-Za-z0-9_-]{32})$/, 'an unsubscribe token (64 hex characters)');
export const UNSUBSCRIBED_MESSAGE = 'You have been successfully unsubscribed from email alerts.';

/** Turns email off for the subscription holding this token (webhooks keep going); idempotent. */
export async function unsubscribe(sql: Sql, token: string) {
  const [row] = await sql<{ id: string; ip: string; port: number }[]>`
    update alert_subscriptions s set email_enabled = false, updated_at = now()
    from nodes n where s.unsubscribe_token = ${token} and n.id = s.node_id
    returning s.id, n.ip, n.port`;
  if (!row) throw notFound('Subscription for this link');
  return { success: true as const, message: UNSUBSCRIBED_MESSAGE, nodeInfo: { ip: row.ip, port: row.port }, subscription_id: row.id };
}

export const alertHistoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  subscription_id: z.uuid().optional(),
});

/**
 * The user's sent notifications, newest first: one entry per state change, with whether the
 * email and the webhook went out (alert_history holds one row per channel delivery).
 */
export async function alertHistory(sql: Sql, userId: string, options: z.output<typeof alertHistoryQuerySchema>) {
  const subscription = options.subscription_id ?? null;
  const rows = await sql<{
    id: string; subscription_id: string | null; node_id: string | null; alert_type: AlertEvent; email_sent: boolean; webhook_sent: boolean;
    status: string; channels: string[]; payload: AlertMessage; created_at: Date; ip: string | null; port: number | null; country_name: string | null;
  }[]>`
    with changes as (
      select min(h.id) as id, h.change_key, (array_agg(h.subscription_id order by h.id))[1] as subscription_id,
        (array_agg(h.node_id order by h.id))[1] as node_id, (array_agg(h.event order by h.id))[1] as alert_type,
        bool_or(h.channel = 'email' and h.status = 'sent') as email_sent,
        bool_or(h.channel <> 'email' and h.status = 'sent') as webhook_sent,
        case when bool_or(h.status = 'sent') then 'sent' when bool_or(h.status = 'failed') then 'failed' else 'suppressed' end as status,
        array_agg(h.channel order by h.id) as channels,
        (array_agg(h.payload order by h.id))[1] as payload, min(h.created_at) as created_at
      from alert_history h
      where h.user_id = ${userId} and (${subscription}::uuid is null or h.subscription_id = ${subscription}::uuid)
      group by h.change_key
    )
    select c.id::text as id, c.subscription_id, c.node_id::text as node_id, c.alert_type, c.email_sent, c.webhook_sent, c.status,
      c.channels, c.payload, c.created_at, n.ip, n.port, n.country_name
    from changes c left join nodes n on n.id = c.node_id
    order by c.id desc limit ${options.limit} offset ${options.offset}`;
  const [{ total } = { total: 0 }] = await sql<{ total: number }[]>`
    select count(distinct change_key)::int as total from alert_history
    where user_id = ${userId} and (${subscription}::uuid is null or subscription_id = ${subscription}::uuid)`;
  return {
    history: rows.map((row) => ({
      id: row.id,
      subscription_id: row.subscription_id,
      node_id: row.node_id,
      alert_type: row.alert_type,
      email_sent: row.email_sent,
      webhook_sent: row.webhook_sent,
      message: row.payload?.node ? describeAlert(row.payload).title : row.alert_type,
      created_at: row.created_at.toISOString(),
      status: row.status,
      channels: row.channels,
      node: row.ip === null ? null : { ip: row.ip, port: row.port, country_name: row.country_name },
    })),
    pagination: { limit: options.limit, offset: options.offset, total },
  };
}
