'use client';

import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { callApi } from '@/lib/dashboard/api-client';
import { Feedback, ListTable } from '../account-ui';
import { SignedIn } from '../signed-in';
import { useApi } from '../use-api';

const EVENTS = ['offline', 'online', 'version_outdated', 'tier_change'] as const;
const createSchema = z.object({
  node_id: z.coerce.number({ error: 'Node id must be a number' }).int().positive('Node id must be a positive number'),
  channel: z.enum(['email', 'discord', 'webhook']),
  target: z.string().trim().min(3, 'Enter an email address or https URL').max(2000),
  events: z.array(z.enum(EVENTS)).min(1, 'Choose at least one event'),
  cooldown_minutes: z.coerce.number().int().min(0).max(10080),
});

interface Subscription {
  id: string; node_id: string; events: string[]; channel: string; target: string; enabled: boolean; cooldown_minutes: number;
}

export function AlertSubscriptions() {
  const subscriptions = useApi<{ subscriptions: Subscription[] }>('/api/alerts');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = createSchema.safeParse({
      node_id: form.get('node_id'),
      channel: form.get('channel'),
      target: form.get('target'),
      events: form.getAll('events'),
      cooldown_minutes: form.get('cooldown_minutes'),
    });
    if (!parsed.success) return setError(parsed.error.issues.map((issue) => issue.message).join('. '));
    const result = await callApi<{ webhook_secret?: string | null }>('/api/alerts', { method: 'POST', body: parsed.data });
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
    <SignedIn result={subscriptions.result}>
      {({ subscriptions: list }) => (
        <>
          <Feedback notice={notice} error={error} />
          <h2>New alert</h2>
          <form className="card form-stack" onSubmit={create} noValidate aria-label="Create an alert">
            <label>
              Node id (one of <a href="/account">your nodes</a>)
              <input name="node_id" inputMode="numeric" required />
            </label>
            <label>
              Channel
              <select name="channel" defaultValue="email">
                <option value="email">Email</option>
                <option value="discord">Discord webhook</option>
                <option value="webhook">Webhook (JSON)</option>
              </select>
            </label>
            <label>
              Email address or https URL
              <input name="target" required />
            </label>
            <fieldset>
              <legend>Events</legend>
              {EVENTS.map((name) => (
                <label key={name}>
                  <input type="checkbox" name="events" value={name} defaultChecked={name === 'offline' || name === 'online'} />
                  {name.replace('_', ' ')}
                </label>
              ))}
            </fieldset>
            <label>
              Cooldown (minutes)
              <input name="cooldown_minutes" type="number" min={0} max={10080} defaultValue={60} />
            </label>
            <div className="form-actions"><button type="submit" className="button">Create alert</button></div>
          </form>
          <h2>Your alerts</h2>
          <ListTable caption="Alert subscriptions" columns={['Node', 'Channel', 'Target', 'Events', 'State', 'Actions']} empty="No alerts yet." isEmpty={list.length === 0}>
                {list.map((subscription) => (
                  <tr key={subscription.id}>
                    <th scope="row"><a href={`/nodes/${subscription.node_id}`}>{subscription.node_id}</a></th>
                    <td>{subscription.channel}</td>
                    <td className="mono">{subscription.target}</td>
                    <td>{subscription.events.join(', ')}</td>
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
