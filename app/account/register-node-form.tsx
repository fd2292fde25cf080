'use client';

import { useRef, useState, type FormEvent } from 'react';
import { callApi } from '@/lib/dashboard/api-client';
import { parseRegisterForm, type RegisterField } from '@/lib/dashboard/register-form';
import { Feedback } from './account-ui';

interface Registered {
  node: { id: string; ip: string; port: number; status: string; user_agent: string | null; latency_ms: number | null };
  label: string | null;
}

const hostPort = (ip: string, port: number) => `${ip.includes(':') ? `[${ip}]` : ip}:${port}`;

/** POST /api/nodes/register from a form: the node is probed live, then listed in "my nodes" or the API's reason is shown. */
export function RegisterNodeForm({ onRegistered }: { onRegistered: () => void }) {
  const [probing, setProbing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<Partial<Record<RegisterField, string>>>({});
  const form = useRef<HTMLFormElement>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (probing) return;
    const target = event.currentTarget;
    const values = new FormData(target);
    const parsed = parseRegisterForm({ ip: values.get('ip'), port: values.get('port'), label: values.get('label') });
    if (!parsed.ok) {
      setInvalid(Object.fromEntries(parsed.errors.map((issue) => [issue.field, issue.message])));
      setNotice(null);
      setError(parsed.errors.map((issue) => issue.message).join('. ') + '.');
      target.querySelector<HTMLInputElement>(`[name=${parsed.errors[0]!.field}]`)?.focus();
      return;
    }
    setInvalid({});
    setError(null);
    setNotice(`Probing ${hostPort(parsed.data.ip, parsed.data.port)}… (a version handshake; this can take a few seconds)`);
    setProbing(true);
    const result = await callApi<Registered>('/api/nodes/register', { method: 'POST', body: parsed.data });
    setProbing(false);
    if (!result.ok) {
      setNotice(null);
      setError(result.status === 429 ? `Rate limit: ${result.message}` : result.message);
      return;
    }
    const { node } = result.data;
    setNotice(`Registered ${hostPort(node.ip, node.port)}: ${node.status === 'up' ? 'online' : node.status}${node.user_agent ? `, ${node.user_agent}` : ''}${node.latency_ms === null ? '' : `, ${Math.round(node.latency_ms)} ms`}.`);
    form.current?.reset();
    onRegistered();
  }

  const describedBy = (field: RegisterField, hint?: string) => [invalid[field] ? `register-${field}-error` : null, hint].filter(Boolean).join(' ') || undefined;
  const fieldError = (field: RegisterField) =>
    invalid[field] ? <span id={`register-${field}-error`} className="form-error">{invalid[field]}</span> : null;

  return (
    <section aria-labelledby="register-heading">
      <h3 id="register-heading">Register a node</h3>
      <p className="muted" id="register-hint">
        Peerscope connects to the node and completes a version handshake; only reachable nodes on public addresses can be registered.
      </p>
      <Feedback notice={notice} error={error} />
      <form ref={form} className="card form-stack" onSubmit={submit} noValidate aria-label="Register a node" aria-describedby="register-hint" aria-busy={probing}>
        <label>
          IP address
          <input name="ip" required maxLength={64} autoComplete="off" spellCheck={false}
            aria-invalid={invalid.ip ? true : undefined} aria-describedby={describedBy('ip', 'register-ip-hint')} />
          <span id="register-ip-hint" className="hint">IPv4 or IPv6, e.g. 203.0.113.5 or 2001:db8::1</span>
          {fieldError('ip')}
        </label>
        <label>
          Port
          <input name="port" required inputMode="numeric" pattern="[0-9]*" maxLength={5} autoComplete="off"
            aria-invalid={invalid.port ? true : undefined} aria-describedby={describedBy('port', 'register-port-hint')} />
          <span id="register-port-hint" className="hint">1–65535, e.g. 8333</span>
          {fieldError('port')}
        </label>
        <label>
          Label (optional)
          <input name="label" maxLength={80} autoComplete="off" aria-invalid={invalid.label ? true : undefined} aria-describedby={describedBy('label')} />
          {fieldError('label')}
        </label>
        <div className="form-actions">
          <button type="submit" className="button" disabled={probing}>{probing ? 'Probing…' : 'Register node'}</button>
        </div>
      </form>
    </section>
  );
}
