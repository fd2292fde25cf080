'use client';

import { useRef, useState, type FormEvent } from 'react';
import { callApi } from '@/lib/dashboard/api-client';
import { checkFields, maxLength, required } from '@/lib/dashboard/form-checks';
import { Feedback, ListTable } from '../account-ui';
import { SignedIn } from '../signed-in';
import { useApi } from '../use-api';

/** GET /api/admin/bans entries (camelCase, as the admin routes answer). */
interface Ban { id: string; action: 'ban' | 'hide'; targetType: 'node' | 'cidr' | 'asn'; target: string; reason: string; createdAt: string; expiresAt: string | null; createdBy: { email: string } | null }

const DURATIONS: { label: string; hours: number | null }[] = [
  { label: 'Until lifted', hours: null },
  { label: '1 hour', hours: 1 },
  { label: '1 day', hours: 24 },
  { label: '7 days', hours: 168 },
  { label: '30 days', hours: 720 },
];

const when = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—');

/** The ban and hide list: add an entry (node, CIDR range or ASN, with a reason and an expiry), lift one. */
export function BansPanel({ onChanged }: { onChanged: () => void }) {
  const bans = useApi<{ bans: Ban[]; pagination: { total: number } }>('/api/admin/bans?status=active&limit=100');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = new FormData(event.currentTarget);
    const checked = checkFields(
      { target: String(values.get('target') ?? '').trim(), reason: String(values.get('reason') ?? '').trim() },
      { target: [required('Give a node, a CIDR range or an AS number')], reason: [required('A reason is required'), maxLength(500, 'The reason is at most 500 characters')] },
    );
    if (checked.issues.length) {
      setNotice(null);
      setError(checked.issues.map((issue) => issue.message).join('. ') + '.');
      return;
    }
    const kind = String(values.get('kind'));
    const hours = DURATIONS[Number(values.get('duration'))]?.hours ?? null;
    const body = {
      action: String(values.get('action')),
      [kind]: checked.values.target,
      reason: checked.values.reason,
      ...(hours ? { expiresAt: new Date(Date.now() + hours * 3_600_000).toISOString() } : {}),
    };
    const result = await callApi<{ ban: Ban; affectedNodes: number }>('/api/admin/bans', { method: 'POST', body });
    if (!result.ok) {
      setNotice(null);
      setError(result.message);
      return;
    }
    setError(null);
    setNotice(`${result.data.ban.action === 'ban' ? 'Banned' : 'Hid'} ${result.data.ban.target} (${result.data.affectedNodes} known nodes affected).`);
    form.current?.reset();
    bans.reload();
    onChanged();
  }

  async function lift(ban: Ban) {
    const result = await callApi('/api/admin/bans', { method: 'DELETE', body: { id: ban.id } });
    if (!result.ok) return setError(result.message);
    setError(null);
    setNotice(`Lifted the ${ban.action} of ${ban.target}.`);
    bans.reload();
    onChanged();
  }

  return (
    <section aria-labelledby="bans-heading">
      <h2 id="bans-heading">Bans and hidden nodes</h2>
      <p className="muted" id="bans-hint">
        A ban is never dialed (crawler, monitor, checks, registration) and leaves every public list; a hide only leaves the public lists.
        Reasons are public at <a href="/api/banned">/api/banned</a>.
      </p>
      <Feedback notice={notice} error={error} />
      <form ref={form} className="card form-stack" onSubmit={submit} noValidate aria-label="Ban or hide" aria-describedby="bans-hint">
        <label>
          Action
          <select name="action" defaultValue="ban">
            <option value="ban">Ban (never dial, hide)</option>
            <option value="hide">Hide only</option>
          </select>
        </label>
        <label>
          Target type
          <select name="kind" defaultValue="node">
            <option value="node">Node</option>
            <option value="cidr">Address range (CIDR)</option>
            <option value="asn">Autonomous system</option>
          </select>
        </label>
        <label>
          Target
          <input name="target" required maxLength={120} autoComplete="off" spellCheck={false} aria-describedby="bans-target-hint" />
          <span id="bans-target-hint" className="hint">A node id or 203.0.113.5-8333; 203.0.113.0/24; AS64496</span>
        </label>
        <label>
          Reason
          <input name="reason" required maxLength={500} autoComplete="off" />
        </label>
        <label>
          Expires
          <select name="duration" defaultValue="0">
            {DURATIONS.map((duration, index) => <option key={duration.label} value={index}>{duration.label}</option>)}
          </select>
        </label>
        <div className="form-actions"><button type="submit" className="button danger">Add</button></div>
      </form>
      <SignedIn result={bans.result} retry={bans.reload}>
        {({ bans: list, pagination }) => (
          <ListTable caption={`Active entries (${pagination.total})`} columns={['Target', 'Action', 'Reason', 'Since', 'Expires', 'By', 'Lift']} empty="No active bans or hides." isEmpty={list.length === 0}>
            {list.map((ban) => (
              <tr key={ban.id}>
                <th scope="row" className="mono">{ban.target}</th>
                <td>{ban.action}</td>
                <td>{ban.reason}</td>
                <td>{when(ban.createdAt)}</td>
                <td>{when(ban.expiresAt)}</td>
                <td>{ban.createdBy?.email ?? '—'}</td>
                <td><button type="button" className="button secondary" aria-label={`Lift the ${ban.action} of ${ban.target}`} onClick={() => void lift(ban)}>Lift</button></td>
              </tr>
            ))}
          </ListTable>
        )}
      </SignedIn>
    </section>
  );
}
