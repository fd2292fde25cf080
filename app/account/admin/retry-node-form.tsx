'use client';

import { useState, type FormEvent } from 'react';
import { callApi } from '@/lib/dashboard/api-client';
import { checkFields, required } from '@/lib/dashboard/form-checks';
import { Feedback } from '../account-ui';

interface Retried { node: { id: string; ip: string; port: number } }

/** POST /api/admin/nodes/{id}/retry: clears a node's backoff so the next crawl pass dials it. */
export function RetryNodeForm({ onDone }: { onDone: () => void }) {
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const target = event.currentTarget;
    const checked = checkFields({ node: String(new FormData(target).get('node') ?? '') }, { node: [required('Give a node id')] });
    const id = checked.values.node;
    if (checked.issues.length || !/^[1-9]\d{0,17}$/.test(id)) {
      setNotice(null);
      setError('Give a numeric node id (the number at the end of the node page address).');
      return;
    }
    const result = await callApi<Retried>(`/api/admin/nodes/${id}/retry`, { method: 'POST' });
    if (!result.ok) {
      setNotice(null);
      setError(result.message);
      return;
    }
    setError(null);
    const { ip, port } = result.data.node;
    setNotice(`Backoff cleared: the next crawl pass dials ${ip.includes(':') ? `[${ip}]` : ip}:${port}.`);
    target.reset();
    onDone();
  }

  return (
    <section aria-labelledby="retry-heading">
      <h2 id="retry-heading">Retry a node</h2>
      <Feedback notice={notice} error={error} />
      <form className="card form-stack" onSubmit={submit} noValidate aria-label="Retry a node">
        <label>
          Node id
          <input name="node" required inputMode="numeric" maxLength={18} autoComplete="off" aria-describedby="retry-hint" />
          <span id="retry-hint" className="hint">Clears its failures and backoff; the next crawl pass dials it.</span>
        </label>
        <div className="form-actions"><button type="submit" className="button">Retry now</button></div>
      </form>
    </section>
  );
}
