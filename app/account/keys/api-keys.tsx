'use client';

import { useState, type FormEvent } from 'react';
import { callApi } from '@/lib/dashboard/api-client';
import { checkFields, maxLength, required, wholeNumber } from '@/lib/dashboard/form-checks';
import { Feedback, ListTable } from '../account-ui';
import { SignedIn } from '../signed-in';
import { useApi } from '../use-api';

const SCOPES = ['read:nodes', 'read:stats', 'read:leaderboard', 'read:profiles'] as const;

/** GET /api/keys: the spec's camelCase objects. */
interface ApiKey {
  id: string; name: string; keyPrefix: string; scopes: string[]; rateLimit: number; requestCount: number;
  createdAt: string; lastUsedAt: string | null; revokedAt: string | null; isActive: boolean;
}
interface CreatedKey { key: ApiKey; rawKey: string; warning: string }

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');

export function ApiKeys() {
  const keys = useApi<{ keys: ApiKey[] }>('/api/keys');
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const checked = checkFields({ name: form.get('name'), rateLimit: form.get('rateLimit') }, {
      name: [required('Give the key a name'), maxLength(100, 'The name is at most 100 characters')],
      rateLimit: [wholeNumber(10, 10000, 'The rate limit is a whole number of requests per hour from 10 to 10000')],
    });
    const scopes = form.getAll('scopes').map(String);
    const issues = [...checked.issues.map((issue) => issue.message), ...(scopes.length ? [] : ['Choose at least one scope'])];
    if (issues.length) return setError(issues.join('. '));
    const body = { name: checked.values.name, scopes, rateLimit: Number(checked.values.rateLimit) };
    const result = await callApi<CreatedKey>('/api/keys', { method: 'POST', body });
    if (!result.ok) return setError(result.message);
    setError(null);
    setSecret({ name: result.data.key.name, key: result.data.rawKey });
    event.currentTarget?.reset();
    keys.reload();
  }

  async function act(key: ApiKey, action: 'revoke' | 'rotate') {
    if (action === 'revoke' && !window.confirm(`Delete “${key.name}”? Clients using it stop working.`)) return;
    const result =
      action === 'revoke'
        ? await callApi(`/api/keys/${key.id}`, { method: 'DELETE' })
        : await callApi<CreatedKey>(`/api/keys/${key.id}/rotate`, { method: 'POST' });
    if (!result.ok) return setError(result.message);
    setError(null);
    if (action === 'rotate') setSecret({ name: key.name, key: (result.data as CreatedKey).rawKey });
    keys.reload();
  }

  return (
    <SignedIn result={keys.result} retry={keys.reload}>
      {({ keys: list }) => (
        <>
          {secret && (
            <div className="notice" role="status">
              <p>New key for <strong>{secret.name}</strong> (shown only now):</p>
              <code className="secret" data-testid="new-key">{secret.key}</code>
            </div>
          )}
          <Feedback notice={null} error={error} />
          <h2>Create a key</h2>
          <form className="card form-stack" onSubmit={create} noValidate aria-label="Create an API key">
            <label>
              Name
              <input name="name" maxLength={100} required />
            </label>
            <fieldset>
              <legend>Scopes</legend>
              {SCOPES.map((scope) => (
                <label key={scope}>
                  <input type="checkbox" name="scopes" value={scope} defaultChecked={scope === 'read:nodes' || scope === 'read:stats'} />
                  {scope}
                </label>
              ))}
            </fieldset>
            <label>
              Rate limit (requests per hour)
              <input name="rateLimit" type="number" min={10} max={10000} defaultValue={1000} />
            </label>
            <div className="form-actions"><button type="submit" className="button">Create key</button></div>
          </form>
          <h2>Your keys</h2>
          <ListTable caption="API keys, newest first" columns={['Name', 'Prefix', 'Scopes', { label: 'Per hour', numeric: true }, { label: 'Requests', numeric: true }, 'Created', 'Last used', 'State', 'Actions']} empty="No keys yet." isEmpty={list.length === 0}>
                {list.map((key) => (
                  <tr key={key.id}>
                    <th scope="row">{key.name}</th>
                    <td className="mono">{key.keyPrefix}…</td>
                    <td>{key.scopes.join(', ')}</td>
                    <td className="num">{key.rateLimit}</td>
                    <td className="num">{key.requestCount}</td>
                    <td>{day(key.createdAt)}</td>
                    <td>{day(key.lastUsedAt)}</td>
                    <td>{key.isActive ? 'Active' : key.revokedAt ? 'Revoked' : 'Expired'}</td>
                    <td>
                      {key.isActive && (
                        <span className="form-actions">
                          <button type="button" className="button secondary" onClick={() => act(key, 'rotate')} aria-label={`Rotate ${key.name}`}>Rotate</button>
                          <button type="button" className="button danger" onClick={() => act(key, 'revoke')} aria-label={`Delete ${key.name}`}>Delete</button>
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
          </ListTable>
        </>
      )}
    </SignedIn>
  );
}
