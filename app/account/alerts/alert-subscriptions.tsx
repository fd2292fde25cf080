'use client';

import { useState, type FormEvent } from 'react';
import { callApi } from '@/lib/dashboard/api-client';
import { checkFields, maxLength, wholeNumber } from '@/lib/dashboard/form-checks';
import { Feedback, ListTable } from '../account-ui';
import { SignedIn } from '../signed-in';
import { useApi } from '../use-api';

/** The spec's request flags (camelCase) and how they read. */
const EVENTS = [
  ['alertOffline', 'offline'],
  ['alertOnline', 'online'],
  ['alertVersionOutdated', 'version outdated'],
  ['alertTierChange', 'tier change'],
] as const;

/** GET /api/alerts: the spec's snake_case subscriptions. */
interface Subscription {
  id: string; node_id: string; alert_offline: boolean; alert_online: boolean; alert_version_outdated: boolean; alert_tier_change: boolean;
  email_enabled: boolean; email_address: string | null; webhook_enabled: boolean; webhook_url: string | null; webhook_type: string | null;
  enabled: boolean; cooldown_minutes: number; node: { ip: string; port: number; status: string };
}

const eventsOf = (subscription: Subscription) =>
  [
    subscription.alert_offline && 'offline',
    subscription.alert_online && 'online',
    subscription.alert_version_outdated && 'version outdated',
    subscription.alert_tier_change && 'tier change',
  ].filter(Boolean).join(', ');

export function AlertSubscriptions() {
  const subscriptions = useApi<{ subscriptions: Subscription[] }>('/api/alerts');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const webhookUrl = String(form.get('webhookUrl') ?? '').trim();
    const checked = checkFields({ nodeId: form.get('nodeId'), webhookUrl, cooldownMinutes: form.get('cooldownMinutes') }, {
      nodeId: [wholeNumber(1, Number.MAX_SAFE_INTEGER, 'Node id must be a positive whole number')],
      webhookUrl: [maxLength(2000, 'The webhook URL is at most 2000 characters')],
      cooldownMinutes: [wholeNumber(0, 10080, 'The cooldown is a whole number of minutes from 0 to 10080')],
    });
    const flags = Object.fromEntries(EVENTS.map(([flag]) => [flag, form.get(flag) === 'on'])) as Record<(typeof EVENTS)[number][0], boolean>;
    const emailEnabled = form.get('emailEnabled') === 'on';
    const webhookEnabled = webhookUrl.length > 0;
    const issues = [
      ...checked.issues.map((issue) => issue.message),
      ...(Object.values(flags).some(Boolean) ? [] : ['Choose at least one event']),
      ...(emailEnabled || webhookEnabled ? [] : ['Choose email, a webhook or both']),
      ...(webhookEnabled && webhookUrl.length < 8 ? ['Enter the webhook URL'] : []),
    ];
    if (issues.length) return setError(issues.join('. '));
    const body = {
      nodeId: checked.values.nodeId,
      ...flags,
      emailEnabled,
      webhookEnabled,
      ...(webhookEnabled ? { webhookUrl } : {}),
      webhookType: String(form.get('webhookType') ?? 'discord'),
      cooldownMinutes: Number(checked.values.cooldownMinutes),
    };
    const result = await callApi<{ webhook_secret?: string | null }>('/api/alerts', { method: 'POST', body });
    if (!result.ok) return setError(result.message);
    setError(null);
    setNotice(result.data.webhook_secret ? `Alert created. Webhook signing secret (shown once): ${result.data.webhook_secret}` : 'Alert created.');
    subscriptions.reload();
  }

  async function remove(subscription: Subscription) {
    const result = await callApi(`/api/alerts/${subscription.id}`, { method: 'DELETE' });
    if (!result.ok) return setError(result.message);
    setNotice('Alert deleted.');
    subscriptions.reload();
  }

  return (
    <SignedIn result={subscriptions.result} retry={subscriptions.reload}>
      {({ subscriptions: list }) => (
        <>
          <Feedback notice={notice} error={error} />
          <h2>New alert</h2>
          <form className="card form-stack" onSubmit={create} noValidate aria-label="Create an alert">
            <label>
              Node id (one of <a href="/account">your nodes</a>)
              <input name="nodeId" inputMode="numeric" required />
            </label>
            <fieldset>
              <legend>Events</legend>
              {EVENTS.map(([flag, name]) => (
                <label key={flag}>
                  <input type="checkbox" name={flag} defaultChecked={flag === 'alertOffline' || flag === 'alertOnline'} />
                  {name}
                </label>
              ))}
            </fieldset>
            <fieldset>
              <legend>Send to</legend>
              <label>
                <input type="checkbox" name="emailEnabled" defaultChecked />
                Email (your account address)
              </label>
              <label>
                Webhook URL (optional; https)
                <input name="webhookUrl" inputMode="url" />
              </label>
              <label>
                Webhook type
                <select name="webhookType" defaultValue="discord">
                  <option value="discord">Discord</option>
                  <option value="generic">JSON (signed)</option>
                </select>
              </label>
            </fieldset>
            <label>
              Cooldown (minutes)
              <input name="cooldownMinutes" type="number" min={0} max={10080} defaultValue={60} />
            </label>
            <div className="form-actions"><button type="submit" className="button">Create alert</button></div>
          </form>
          <h2>Your alerts</h2>
          <ListTable caption="Alert subscriptions" columns={['Node', 'Email', 'Webhook', 'Events', 'State', 'Actions']} empty="No alerts yet." isEmpty={list.length === 0}>
                {list.map((subscription) => (
                  <tr key={subscription.id}>
                    <th scope="row"><a href={`/nodes/${subscription.node_id}`} className="mono">{subscription.node.ip.includes(':') ? `[${subscription.node.ip}]` : subscription.node.ip}:{subscription.node.port}</a></th>
                    <td className="mono">{subscription.email_enabled ? subscription.email_address : '—'}</td>
                    <td className="mono">{subscription.webhook_enabled ? `${subscription.webhook_type}: ${subscription.webhook_url}` : '—'}</td>
                    <td>{eventsOf(subscription)}</td>
                    <td>{subscription.enabled ? 'On' : 'Paused'}</td>
                    <td>
                      <button type="button" className="button danger" onClick={() => remove(subscription)} aria-label={`Delete alert for node ${subscription.node_id}`}>Delete</button>
                    </td>
                  </tr>
                ))}
          </ListTable>
        </>
      )}
    </SignedIn>
  );
}
