import { createHmac } from 'node:crypto';
import { allowLoopbackWebhooks } from '../net/ip-policy';
import { safeFetch } from '../net/safe-fetch';
import { clampDiscordPayload, type DiscordPayload } from './discord';
import { sendResendEmail } from './email';

export const ALERT_EVENTS = ['offline', 'online', 'version_outdated', 'tier_change'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];
export type AlertChannel = 'email' | 'discord' | 'webhook';

/** What one alert says; stored as alert_history.payload and sent (as JSON) to generic webhooks. */
export interface AlertMessage {
  type: 'peerscope.alert';
  /** The idempotency key: stable across retries, unique per subscription and state change. */
  id: string;
  event: AlertEvent;
  occurred_at: string;
  subscription_id: string;
  node: {
    id: string;
    ip: string;
    port: number;
    status: string;
    user_agent: string | null;
    protocol_version: number | null;
    tier: string | null;
  };
  change: { from: string | boolean | null; to: string | boolean | null };
}

export interface DeliveryTarget {
  channel: AlertChannel;
  target: string;
  webhook_secret: string | null;
  unsubscribe_token: string;
}

export type DeliveryResult = { ok: true } | { ok: false; error: string };
export type Deliver = (target: DeliveryTarget, message: AlertMessage) => Promise<DeliveryResult>;

const nodeName = (message: AlertMessage) =>
  message.node.ip.includes(':') ? `[${message.node.ip}]:${message.node.port}` : `${message.node.ip}:${message.node.port}`;

export function describeAlert(message: AlertMessage): { title: string; text: string } {
  const name = nodeName(message);
  switch (message.event) {
    case 'offline':
      return { title: `Node ${name} is offline`, text: `Peerscope could not complete a handshake with ${name}; it was up before.` };
    case 'online':
      return { title: `Node ${name} is back online`, text: `${name} answers again${message.node.user_agent ? ` (${message.node.user_agent})` : ''}.` };
    case 'version_outdated':
      return {
        title: `Node ${name} runs an outdated version`,
        text: `${name} runs ${message.node.user_agent ?? 'an unknown client'} (protocol ${message.node.protocol_version ?? '?'}), which is now considered outdated.`,
      };
    case 'tier_change':
      return { title: `Node ${name} changed tier: ${message.change.from} → ${message.change.to}`, text: `${name} moved from ${message.change.from} to ${message.change.to}.` };
  }
}

export interface DeliveryConfig {
  resendApiKey?: string;
  resendFrom?: string;
  resendBaseUrl: string;
  publicBaseUrl: string;
  allowLoopback: boolean;
  production: boolean;
  timeoutMs: number;
}

export function deliveryConfig(env: Record<string, string | undefined> = process.env): DeliveryConfig {
  return {
    resendApiKey: env.RESEND_API_KEY || undefined,
    resendFrom: env.RESEND_FROM || undefined,
    resendBaseUrl: (env.RESEND_BASE_URL || 'https://api.resend.com').replace(/\/+$/, ''),
    publicBaseUrl: (env.PUBLIC_BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    allowLoopback: allowLoopbackWebhooks(env),
    production: env.NODE_ENV === 'production',
    timeoutMs: 10_000,
  };
}

export function unsubscribeUrl(config: DeliveryConfig, token: string): string {
  return `${config.publicBaseUrl}/api/alerts/unsubscribe?token=${encodeURIComponent(token)}`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Email through the Resend SDK (POST {RESEND_BASE_URL}/emails); the alert id is the idempotency key. */
export async function deliverEmail(config: DeliveryConfig, target: DeliveryTarget, message: AlertMessage): Promise<DeliveryResult> {
  if (!config.resendApiKey || !config.resendFrom) return { ok: false, error: 'email delivery is not configured (RESEND_API_KEY, RESEND_FROM)' };
  const { title, text } = describeAlert(message);
  const unsubscribe = unsubscribeUrl(config, target.unsubscribe_token);
  const body = {
    from: config.resendFrom,
    to: [target.target],
    subject: `[Peerscope] ${title}`,
    text: `${text}\n\nWhen: ${message.occurred_at}\nStop these alerts: ${unsubscribe}\n`,
    html: `<p>${escapeHtml(text)}</p><p>When: ${escapeHtml(message.occurred_at)}</p><p><a href="${escapeHtml(unsubscribe)}">Stop these alerts</a></p>`,
    headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
  const sent = await sendResendEmail({ apiKey: config.resendApiKey, baseUrl: config.resendBaseUrl, timeoutMs: config.timeoutMs }, body, message.id);
  return sent.ok ? { ok: true } : sent;
}

const COLORS: Record<AlertEvent, number> = { offline: 0xe74c3c, online: 0x2ecc71, version_outdated: 0xf39c12, tier_change: 0x3498db };

export function discordPayload(message: AlertMessage): DiscordPayload {
  const { title, text } = describeAlert(message);
  return clampDiscordPayload({
    username: 'Peerscope',
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title,
        description: text,
        color: COLORS[message.event],
        timestamp: message.occurred_at,
        fields: [
          { name: 'Status', value: message.node.status, inline: true },
          { name: 'Tier', value: message.node.tier ?? 'unranked', inline: true },
          { name: 'Protocol', value: String(message.node.protocol_version ?? 'unknown'), inline: true },
          { name: 'User agent', value: message.node.user_agent ?? 'unknown' },
        ],
        footer: { text: `Peerscope alert ${message.event}` },
      },
    ],
  });
}

async function postJson(config: DeliveryConfig, url: string, body: string, headers: Record<string, string>): Promise<DeliveryResult> {
  try {
    const response = await safeFetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
      requireHttps: config.production,
      allowLoopback: config.allowLoopback,
      timeoutMs: config.timeoutMs,
      maxBytes: 16 * 1024,
    });
    if (response.status >= 200 && response.status < 300) return { ok: true };
    return { ok: false, error: `HTTP ${response.status}${response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : ''}` };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** The signature header of generic webhooks: sha256=HMAC-SHA256(secret, "<timestamp>.<body>") in hex. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function createDeliver(config: DeliveryConfig = deliveryConfig()): Deliver {
  return async (target, message) => {
    switch (target.channel) {
      case 'email':
        return deliverEmail(config, target, message);
      case 'discord':
        return postJson(config, target.target, JSON.stringify(discordPayload(message)), {});
      case 'webhook': {
        if (!target.webhook_secret) return { ok: false, error: 'the subscription has no webhook secret' };
        const body = JSON.stringify(message);
        const timestamp = String(Math.floor(Date.now() / 1000));
        return postJson(config, target.target, body, {
          'x-peerscope-event': message.event,
          'x-peerscope-delivery': message.id,
          'x-peerscope-timestamp': timestamp,
          'x-peerscope-signature': webhookSignature(target.webhook_secret, timestamp, body),
        });
      }
    }
  };
}
