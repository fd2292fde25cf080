import type { Sql } from '../db/client';
import { getSettings } from '../settings/app-settings';
import { createDeliver, type AlertEvent, type AlertMessage, type Deliver, type DeliveryTarget } from './delivery';
import { loadVersionClasses } from '../versions/store';
import { isOutdated } from './outdated';

export interface AlertRunSummary {
  /** Subscriptions looked at. */
  subscriptions: number;
  /** Subscriptions that saw their node for the first time (baseline recorded, nothing sent). */
  baselined: number;
  /** State changes that matched a subscribed event. */
  events: number;
  sent: number;
  failed: number;
  suppressed: number;
  /** History rows that already existed for a change (a concurrent or repeated run). */
  duplicates: number;
  /** Earlier failed deliveries tried again, and how many of those succeeded. */
  retried: number;
  retry_sent: number;
  duration_ms: number;
  /** One "ip:port:event:subscription" per change delivered on at least one channel this run. */
  details: string[];
}

export interface ProcessAlertsOptions {
  now?: Date;
  deliver?: Deliver;
  /** Subscriptions read per page and failed deliveries retried per run; every enabled subscription is handled each run. */
  limit?: number;
}

interface SubscriptionState {
  id: string;
  user_id: string;
  node_id: string;
  events: AlertEvent[];
  email_enabled: boolean;
  email_address: string | null;
  webhook_enabled: boolean;
  webhook_url: string | null;
  webhook_type: 'discord' | 'generic' | null;
  webhook_secret: string | null;
  unsubscribe_token: string;
  cooldown_minutes: number;
  last_notified_at: Date | null;
  last_status: string | null;
  last_outdated: boolean | null;
  last_tier: string | null;
  state_version: number;
  ip: string;
  port: number;
  status: string;
  protocol_version: number | null;
  user_agent: string | null;
  tier: string | null;
}

/**
 * Sends the alerts due after a crawl pass. For each enabled subscription of a non-banned user:
 *
 * - The node's state (status up/down, outdated — see lib/alerts/outdated.ts — and tier) is compared
 *   with the last state the subscription saw (alert_subscriptions.last_*). The first run only records
 *   that baseline. 'unknown' status and unknown outdatedness keep the last value.
 * - Changes: up→down 'offline', down→up 'online', not outdated→outdated 'version_outdated',
 *   tier A→B (both set) 'tier_change'. Only subscribed events are reported; the state always advances.
 * - Each reported change gets the key `<subscription>:<transition number>:<event>:<from>-><to>` (alert_history.change_key),
 *   and each of its deliveries (email, webhook) the idempotency key `<change key>:<channel>` (unique), so a rerun, a crash between delivery and commit, or a
 *   concurrent processor never sends the same change twice (subscriptions are locked FOR UPDATE SKIP LOCKED).
 * - Cooldown per subscription (a subscription covers one node): within cooldown_minutes after the last
 *   notification, changes are recorded as 'suppressed' and not sent.
 * - A failed delivery is recorded as 'failed' with the error and retried on later runs until
 *   alerts.max_delivery_attempts (within 24 hours); a retry that succeeds turns the row to 'sent'.
 */
/** Every enabled subscription of a non-banned user, read `pageSize` ids at a time (keyset paging). */
/** The deliveries a subscription makes for one change: its email and/or its webhook. */
export function deliveryTargets(sub: Pick<SubscriptionState, 'email_enabled' | 'email_address' | 'webhook_enabled' | 'webhook_url' | 'webhook_type' | 'webhook_secret' | 'unsubscribe_token'>): DeliveryTarget[] {
  const targets: DeliveryTarget[] = [];
  const common = { webhook_secret: sub.webhook_secret, unsubscribe_token: sub.unsubscribe_token };
  if (sub.email_enabled && sub.email_address) targets.push({ channel: 'email', target: sub.email_address, ...common });
  if (sub.webhook_enabled && sub.webhook_url) targets.push({ channel: sub.webhook_type === 'discord' ? 'discord' : 'webhook', target: sub.webhook_url, ...common });
  return targets;
}

const nodeLabel = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

async function* enabledSubscriptionIds(sql: Sql, pageSize: number): AsyncGenerator<string> {
  let after: string | null = null;
  for (;;) {
    const page: { id: string }[] = await sql<{ id: string }[]>`
      select s.id from alert_subscriptions s join profiles p on p.id = s.user_id
      where s.enabled and p.banned_at is null and (${after}::uuid is null or s.id > ${after}::uuid)
      order by s.id limit ${pageSize}`;
    for (const row of page) yield row.id;
    if (page.length < pageSize) return;
    after = page.at(-1)!.id;
  }
}

export async function processAlerts(sql: Sql, options: ProcessAlertsOptions = {}): Promise<AlertRunSummary> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const deliver = options.deliver ?? createDeliver();
  const limit = options.limit ?? 1000;
  const summary: AlertRunSummary = {
    subscriptions: 0, baselined: 0, events: 0, sent: 0, failed: 0, suppressed: 0, duplicates: 0, retried: 0, retry_sent: 0, duration_ms: 0,
    details: [],
  };
  const settings = await getSettings(sql);

  // 1. Retry earlier failures (before new work, so a failure of this run waits for the next).
  const retries = await sql<{ id: string }[]>`
    select h.id::text as id from alert_history h
    join alert_subscriptions s on s.id = h.subscription_id
    join profiles p on p.id = s.user_id
    where h.status = 'failed' and h.attempts < ${settings['alerts.max_delivery_attempts']}
      and h.created_at > ${now}::timestamptz - interval '24 hours' and s.enabled and p.banned_at is null
    order by h.id limit ${limit}`;
  for (const { id } of retries) {
    await sql.begin(async (tx) => {
      // A channel turned off since (or its address changed to nothing) is not retried.
      const [row] = await tx<(DeliveryTarget & { payload: AlertMessage; subscription_id: string })[]>`
        select h.payload, h.subscription_id, h.channel,
          case when h.channel = 'email' then s.email_address else s.webhook_url end as target,
          s.webhook_secret, s.unsubscribe_token
        from alert_history h join alert_subscriptions s on s.id = h.subscription_id
        where h.id = ${id} and h.status = 'failed'
          and case when h.channel = 'email' then s.email_enabled and s.email_address is not null
            else s.webhook_enabled and s.webhook_url is not null and h.channel = case s.webhook_type when 'discord' then 'discord' else 'webhook' end end
        for update of h skip locked`;
      if (!row) return;
      summary.retried++;
      const result = await deliver(row, row.payload);
      if (result.ok) summary.retry_sent++;
      await tx`
        update alert_history set status = ${result.ok ? 'sent' : 'failed'}, error = ${result.ok ? null : result.error.slice(0, 1000)},
          attempts = attempts + 1, updated_at = now()
        where id = ${id}`;
      if (result.ok) await tx`update alert_subscriptions set last_notified_at = ${now} where id = ${row.subscription_id}`;
    });
  }

  // 2. New state changes.
  const classes = await loadVersionClasses(sql, { settings });
  for await (const id of enabledSubscriptionIds(sql, limit)) {
    await sql.begin(async (tx) => {
      const [sub] = await tx<SubscriptionState[]>`
        select s.id, s.user_id, s.node_id::text as node_id, s.events, s.email_enabled, s.email_address, s.webhook_enabled, s.webhook_url,
          s.webhook_type, s.webhook_secret, s.unsubscribe_token,
          s.cooldown_minutes, s.last_notified_at, s.last_status, s.last_outdated, s.last_tier, s.state_version,
          n.ip, n.port, n.status, n.protocol_version, n.user_agent, n.tier
        from alert_subscriptions s join nodes n on n.id = s.node_id
        where s.id = ${id} and s.enabled
        for update of s skip locked`;
      if (!sub) return;
      summary.subscriptions++;
      const outdated = isOutdated(sub, classes);
      const next = {
        status: sub.status === 'unknown' ? sub.last_status : sub.status,
        outdated: outdated ?? sub.last_outdated,
        tier: sub.tier ?? sub.last_tier,
      };
      if (sub.last_status === null && sub.last_outdated === null && sub.last_tier === null) {
        summary.baselined++;
        await tx`
          update alert_subscriptions set last_status = ${next.status}, last_outdated = ${next.outdated}, last_tier = ${next.tier}
          where id = ${sub.id}`;
        return;
      }
      const changes: { event: AlertEvent; from: string | boolean | null; to: string | boolean | null }[] = [];
      if (sub.last_status === 'up' && next.status === 'down') changes.push({ event: 'offline', from: 'up', to: 'down' });
      if (sub.last_status === 'down' && next.status === 'up') changes.push({ event: 'online', from: 'down', to: 'up' });
      if (sub.last_outdated === false && next.outdated === true) changes.push({ event: 'version_outdated', from: false, to: true });
      if (sub.last_tier !== null && next.tier !== null && sub.last_tier !== next.tier) changes.push({ event: 'tier_change', from: sub.last_tier, to: next.tier });
      const stateChanged = next.status !== sub.last_status || next.outdated !== sub.last_outdated || next.tier !== sub.last_tier;
      const reported = changes.filter((change) => sub.events.includes(change.event));
      const version = sub.state_version + (stateChanged ? 1 : 0);

      let notified = false;
      const cooling = sub.last_notified_at !== null && now.getTime() - sub.last_notified_at.getTime() < sub.cooldown_minutes * 60_000;
      const targets = deliveryTargets(sub);
      for (const change of reported) {
        summary.events++;
        const key = `${sub.id}:${version}:${change.event}:${String(change.from)}->${String(change.to)}`;
        const message: AlertMessage = {
          type: 'peerscope.alert',
          id: key,
          event: change.event,
          occurred_at: now.toISOString(),
          subscription_id: sub.id,
          node: { id: sub.node_id, ip: sub.ip, port: sub.port, status: sub.status, user_agent: sub.user_agent, protocol_version: sub.protocol_version, tier: sub.tier },
          change: { from: change.from, to: change.to },
        };
        let delivered = false;
        // One history row per channel: each has its own status, error and retries; change_key groups them.
        for (const target of targets) {
          const deliveryKey = `${key}:${target.channel}`;
          const [existing] = await tx`select 1 from alert_history where idempotency_key in (${deliveryKey}, ${key})`;
          if (existing) {
            summary.duplicates++;
            continue;
          }
          let status: 'sent' | 'failed' | 'suppressed';
          let error: string | null = null;
          if (cooling) {
            status = 'suppressed';
            error = `within the ${sub.cooldown_minutes}-minute cooldown`;
            summary.suppressed++;
          } else {
            const result = await deliver(target, message);
            // Only a delivered alert starts the cooldown.
            notified ||= result.ok;
            delivered ||= result.ok;
            status = result.ok ? 'sent' : 'failed';
            if (!result.ok) error = result.error.slice(0, 1000);
            summary[result.ok ? 'sent' : 'failed']++;
          }
          await tx`
            insert into alert_history (subscription_id, user_id, node_id, event, channel, idempotency_key, change_key, status, error, payload, created_at, updated_at)
            values (${sub.id}, ${sub.user_id}, ${sub.node_id}, ${change.event}, ${target.channel}, ${deliveryKey}, ${key}, ${status}, ${error},
              ${JSON.stringify(message)}::text::jsonb, ${now}, ${now})
            on conflict (idempotency_key) do nothing`;
        }
        if (delivered) summary.details.push(`${nodeLabel(sub.ip, sub.port)}:${change.event}:${sub.id}`);
      }
      await tx`
        update alert_subscriptions set last_status = ${next.status}, last_outdated = ${next.outdated}, last_tier = ${next.tier},
          state_version = ${version}, last_notified_at = ${notified ? now : sub.last_notified_at}
        where id = ${sub.id}`;
    });
  }
  summary.duration_ms = Date.now() - started;
  return summary;
}
