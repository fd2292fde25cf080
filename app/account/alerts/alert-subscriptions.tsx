'use client';

import { useState, type FormEvent } from 'react';
import { callApi } from '@/lib/dashboard/api-client';
import { checkFields, maxLength, minLength, wholeNumber } from '@/lib/dashboard/form-checks';
import { Feedback, ListTable } from '../account-ui';
import { SignedIn } from '../signed-in';
import { useApi } from '../use-api';

const EVENTS = ['offline', 'online', 'version_outdated', 'tier_change'] as const;

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
    const checked = checkFields({ node_id: form.get('node_id'), target: form.get('target'), cooldown_minutes: form.get('cooldown_minutes') }, {
      node_id: [wholeNumber(1, Number.MAX_SAFE_INTEGER, 'Node id must be a positive whole number')],
      target: [minLength(3, 'Enter an email address or https URL'), maxLength(2000, 'The target is at most 2000 characters')],
      cooldown_minutes: [wholeNumber(0, 10080, 'The cooldown is a whole number of minutes from 0 to 10080')],
    });
    const events = form.getAll('events').map(String);
    const issues = [...checked.issues.map((issue) => issue.message), ...(events.length ? [] : ['Choose at least one event'])];
    if (issues.length) return setError(issues.join('. '));
    const { node_id, target, cooldown_minutes } = checked.values;
    const body = { node_id: Number(node_id), channel: String(form.get('channel')), target, events, cooldown_minutes: Number(cooldown_minutes) };
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
