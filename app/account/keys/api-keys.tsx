'use client';

import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { callApi } from '@/lib/dashboard/api-client';
import { Feedback, ListTable } from '../account-ui';
import { SignedIn } from '../signed-in';
import { useApi } from '../use-api';

const SCOPES = ['read:nodes', 'read:stats', 'read:leaderboard', 'read:profiles'] as const;
const createSchema = z.object({
  name: z.string().trim().min(1, 'Give the key a name').max(100),
  scopes: z.array(z.enum(SCOPES)).min(1, 'Choose at least one scope'),
  rateLimit: z.coerce.number({ error: 'The rate limit must be a number' }).int().min(10, 'At least 10 requests per hour').max(10000, 'At most 10000 requests per hour'),
});

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
    const parsed = createSchema.safeParse({ name: form.get('name'), scopes: form.getAll('scopes'), rateLimit: form.get('rateLimit') });
    if (!parsed.success) return setError(parsed.error.issues.map((issue) => issue.message).join('. '));
    const result = await callApi<CreatedKey>('/api/keys', { method: 'POST', body: parsed.data });
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
    <SignedIn result={keys.result}>
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
