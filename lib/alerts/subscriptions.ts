import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Sql } from '../db/client';
import { conflict, HttpError, notFound } from '../http/http-error';
import { allowLoopbackWebhooks } from '../net/ip-policy';
import { checkUrlShape, resolveSafeAddress, UnsafeDestinationError, type Resolver } from '../net/safe-fetch';
import { getSetting } from '../settings/app-settings';
import { ALERT_EVENTS } from './delivery';

const DISCORD_HOSTS = new Set(['discord.com', 'discordapp.com', 'ptb.discord.com', 'canary.discord.com']);

const baseFields = {
  events: z
    .array(z.enum(ALERT_EVENTS))
    .min(1)
    .max(ALERT_EVENTS.length)
    .refine((events) => new Set(events).size === events.length, 'events must not repeat'),
  cooldown_minutes: z.number().int().min(0).max(10080),
};

export const createSubscriptionSchema = z
  .object({
    node_id: z.number().int().positive(),
    channel: z.enum(['email', 'discord', 'webhook']),
    target: z.string().trim().min(3).max(2000),
    events: baseFields.events.default(['offline', 'online']),
    cooldown_minutes: baseFields.cooldown_minutes.default(60),
  })
  .strict();

export const updateSubscriptionSchema = z
  .object({
    events: baseFields.events.optional(),
    cooldown_minutes: baseFields.cooldown_minutes.optional(),
    enabled: z.boolean().optional(),
    target: z.string().trim().min(3).max(2000).optional(),
    rotate_secret: z.literal(true).optional(),
  })
  .strict()
  .refine((input) => Object.keys(input).length > 0, 'nothing to update');

export interface TargetCheckOptions {
  allowLoopback?: boolean;
  production?: boolean;
  resolver?: Resolver;
}

/**
 * Validates a channel target. email: an address. discord/webhook: a URL that passes the SSRF
 * checks (https only in production; every resolved address public — loopback only with
 * PEERSCOPE_ALLOW_LOOPBACK_WEBHOOKS=1, for tests). Discord URLs must be discord.com
 * /api/webhooks/… (any host only with the loopback allowance). Checked again at delivery.
 */
export async function validateTarget(channel: 'email' | 'discord' | 'webhook', target: string, options: TargetCheckOptions = {}): Promise<string> {
  const allowLoopback = options.allowLoopback ?? allowLoopbackWebhooks();
  const production = options.production ?? process.env.NODE_ENV === 'production';
  if (channel === 'email') {
    const parsed = z.email().max(254).safeParse(target);
    if (!parsed.success) throw new HttpError(400, 'Invalid target', 'The target of an email alert must be an email address.');
    return parsed.data.toLowerCase();
  }
  try {
    const url = checkUrlShape(target, { requireHttps: production });
    if (channel === 'discord') {
      if (!url.pathname.startsWith('/api/webhooks/')) throw new UnsafeDestinationError('a Discord webhook URL looks like https://discord.com/api/webhooks/<id>/<token>');
      if (!allowLoopback && !DISCORD_HOSTS.has(url.hostname)) throw new UnsafeDestinationError('Discord webhooks must be on discord.com');
    }
    await resolveSafeAddress(url.hostname, { allowLoopback, resolver: options.resolver });
    return url.toString();
  } catch (error) {
    if (error instanceof UnsafeDestinationError) throw new HttpError(400, 'Invalid target', `The ${channel} URL is not allowed: ${error.message}.`);
    throw error;
  }
}

const COLUMNS = (sql: Sql) => sql`
  id, node_id::text as node_id, events, channel, target, enabled, cooldown_minutes, last_notified_at, last_status,
  last_outdated, last_tier, created_at, updated_at`;

export async function listSubscriptions(sql: Sql, userId: string) {
  return sql`
    select ${COLUMNS(sql)}, (select ip from nodes where id = node_id) as node_ip, (select port from nodes where id = node_id) as node_port
    from alert_subscriptions where user_id = ${userId} order by created_at desc, id`;
}

export async function createSubscription(sql: Sql, userId: string, input: z.infer<typeof createSubscriptionSchema>, options: TargetCheckOptions = {}) {
  const [linked] = await sql`select 1 from user_nodes where user_id = ${userId} and node_id = ${input.node_id}`;
  if (!linked) {
    const [exists] = await sql`select 1 from nodes where id = ${input.node_id}`;
    if (!exists) throw notFound('Node');
    throw new HttpError(403, 'Forbidden', 'Alerts are for your own nodes: register the node first.');
  }
  const target = await validateTarget(input.channel, input.target, options);
  const max = await getSetting(sql, 'alerts.max_per_user');
  const [{ count } = { count: 0 }] = await sql<{ count: number }[]>`select count(*)::int as count from alert_subscriptions where user_id = ${userId}`;
  if (count >= max) throw conflict(`You already have ${count} alert subscriptions (the most allowed is ${max}).`);
  const secret = input.channel === 'webhook' ? `whsec_${randomBytes(24).toString('base64url')}` : null;
  const [row] = await sql`
    insert into alert_subscriptions (user_id, node_id, events, channel, target, cooldown_minutes, unsubscribe_token, webhook_secret)
    values (${userId}, ${input.node_id}, ${input.events}, ${input.channel}, ${target}, ${input.cooldown_minutes},
      ${randomBytes(24).toString('base64url')}, ${secret})
    returning ${COLUMNS(sql)}`;
  return { subscription: row!, webhook_secret: secret };
}

export async function updateSubscription(sql: Sql, userId: string, id: string, input: z.infer<typeof updateSubscriptionSchema>, options: TargetCheckOptions = {}) {
  const [current] = await sql<{ channel: 'email' | 'discord' | 'webhook' }[]>`
    select channel from alert_subscriptions where id = ${id} and user_id = ${userId}`;
  if (!current) throw notFound('Alert subscription');
  const target = input.target !== undefined ? await validateTarget(current.channel, input.target, options) : null;
  if (input.rotate_secret && current.channel !== 'webhook') throw new HttpError(400, 'Invalid request', 'Only webhook subscriptions have a secret.');
  const secret = input.rotate_secret ? `whsec_${randomBytes(24).toString('base64url')}` : null;
  const [row] = await sql`
    update alert_subscriptions set
      events = coalesce(${input.events ?? null}::text[], events),
      cooldown_minutes = coalesce(${input.cooldown_minutes ?? null}::int, cooldown_minutes),
      enabled = coalesce(${input.enabled ?? null}::boolean, enabled),
      target = coalesce(${target}::text, target),
      webhook_secret = coalesce(${secret}::text, webhook_secret),
      updated_at = now()
    where id = ${id} and user_id = ${userId}
    returning ${COLUMNS(sql)}`;
  return { subscription: row!, ...(secret && { webhook_secret: secret }) };
}

export async function deleteSubscription(sql: Sql, userId: string, id: string): Promise<void> {
  const rows = await sql`delete from alert_subscriptions where id = ${id} and user_id = ${userId} returning id`;
  if (rows.length === 0) throw notFound('Alert subscription');
}

/** Disables the subscription holding this token; idempotent. */
export async function unsubscribe(sql: Sql, token: string) {
  const [row] = await sql<{ id: string; node_ip: string; node_port: number; channel: string }[]>`
    update alert_subscriptions s set enabled = false, updated_at = now()
    from nodes n where s.unsubscribe_token = ${token} and n.id = s.node_id
    returning s.id, n.ip as node_ip, n.port as node_port, s.channel`;
  if (!row) throw notFound('Subscription for this link');
  return row;
}

export async function alertHistory(sql: Sql, userId: string, options: { limit: number; before?: number; subscription_id?: string }) {
  const rows = await sql<{ id: string }[]>`
    select id::text as id, subscription_id, node_id::text as node_id, event, channel, status, error, attempts, payload, created_at, updated_at
    from alert_history
    where user_id = ${userId}
      and (${options.before ?? null}::bigint is null or id < ${options.before ?? null}::bigint)
      and (${options.subscription_id ?? null}::uuid is null or subscription_id = ${options.subscription_id ?? null}::uuid)
    order by id desc limit ${options.limit + 1}`;
  const page = rows.slice(0, options.limit);
  return { history: page, next_before: rows.length > options.limit ? Number(page.at(-1)!.id) : null };
}
