'use client';

import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { callApi } from '@/lib/dashboard/api-client';
import { Feedback } from '../account-ui';
import { SignedIn } from '../signed-in';
import { useApi } from '../use-api';

const METHODS = { user_agent: 'User agent comment', http_file: 'HTTP file', dns_txt: 'DNS TXT record', message_sign: 'Signed message' } as const;
type Method = keyof typeof METHODS;
const startSchema = z.object({
  node_id: z.coerce.number({ error: 'Node id must be a number' }).int().positive('Node id must be a positive number'),
  method: z.enum(Object.keys(METHODS) as [Method, ...Method[]]),
});
const checkSchema = z.object({
  hostname: z.string().trim().min(3).max(253).optional(),
  address: z.string().trim().min(25).max(64).optional(),
  signature: z.string().trim().min(80).max(100).optional(),
});

interface Verification {
  id: string; node_id: string; method: Method; challenge: string; status: string; failure_reason: string | null;
  created_at: string; expires_at: string; instructions?: { how: string; message?: string; url?: string; record?: string };
}

function blankless(form: FormData, names: string[]) {
  return Object.fromEntries(names.map((name) => [name, String(form.get(name) ?? '').trim() || undefined]));
}

export function Verifications() {
  const list = useApi<{ verifications: Verification[] }>('/api/verification');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // The list endpoint leaves instructions out; starting (again) returns the open verification with them.
  const [instructions, setInstructions] = useState<Record<string, Verification['instructions']>>({});

  async function open(body: { node_id: number; method: Method }): Promise<boolean> {
    const result = await callApi<{ verification: Verification }>('/api/verification', { method: 'POST', body });
    if (!result.ok) {
      setError(result.message);
      return false;
    }
    const started = result.data.verification;
    setInstructions((known) => ({ ...known, [started.id]: started.instructions }));
    setError(null);
    return true;
  }

  async function start(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = startSchema.safeParse({ node_id: form.get('node_id'), method: form.get('method') });
    if (!parsed.success) return setError(parsed.error.issues.map((issue) => issue.message).join('. '));
    if (!(await open(parsed.data))) return;
    setNotice('Verification started: follow the instructions below, then check.');
    list.reload();
  }

  async function check(event: FormEvent<HTMLFormElement>, verification: Verification) {
    event.preventDefault();
    const parsed = checkSchema.safeParse(blankless(new FormData(event.currentTarget), ['hostname', 'address', 'signature']));
    if (!parsed.success) return setError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('. '));
    const result = await callApi<{ verification: Verification }>(`/api/verification/${verification.id}/check`, { method: 'POST', body: parsed.data });
    if (!result.ok) {
      setNotice(null);
      return setError(`Check failed: ${result.message}`);
    }
    setError(null);
    setNotice(`Verification ${result.data.verification.status.replace('_', ' ')}.`);
    list.reload();
  }

  return (
    <SignedIn result={list.result}>
      {({ verifications }) => (
        <>
          <Feedback notice={notice} error={error} />
          <h2>Start a verification</h2>
          <form className="card form-stack" onSubmit={start} noValidate aria-label="Start a verification">
            <label>
              Node id (one of <a href="/account">your nodes</a>)
              <input name="node_id" inputMode="numeric" required />
            </label>
            <label>
              Method
              <select name="method" defaultValue="user_agent">
                {Object.entries(METHODS).map(([value, label]) => (
                  <option key={value} value={value}>{label}</option>
                ))}
              </select>
            </label>
            <div className="form-actions"><button type="submit" className="button">Start</button></div>
          </form>
          <h2>Your verifications</h2>
          {verifications.length === 0 && <p className="muted">None yet.</p>}
          {verifications.map((verification) => (
            <section key={verification.id} className="card" aria-label={`Verification of node ${verification.node_id}`}>
              <p>
                Node <a href={`/nodes/${verification.node_id}`}>{verification.node_id}</a> · {METHODS[verification.method]} ·{' '}
                <strong>{verification.status.replace('_', ' ')}</strong>
                {verification.failure_reason ? ` · ${verification.failure_reason}` : ''}
              </p>
              {verification.status === 'pending' && !instructions[verification.id] && (
                <button type="button" className="button secondary" onClick={() => open({ node_id: Number(verification.node_id), method: verification.method })}>
                  Show instructions
                </button>
              )}
              {verification.status === 'pending' && instructions[verification.id] && (
                <>
                  <p>{instructions[verification.id]!.how}</p>
                  {instructions[verification.id]!.message && <code className="secret">{instructions[verification.id]!.message}</code>}
                  {instructions[verification.id]!.record && <code className="secret">{instructions[verification.id]!.record}</code>}
                  <form className="form-stack" onSubmit={(event) => check(event, verification)} aria-label={`Check verification of node ${verification.node_id}`}>
                    {verification.method === 'dns_txt' && (
                      <label>Hostname<input name="hostname" required /></label>
                    )}
                    {verification.method === 'message_sign' && (
                      <>
                        <label>Address<input name="address" required /></label>
                        <label>Signature<input name="signature" required /></label>
                      </>
                    )}
                    <div className="form-actions"><button type="submit" className="button">Check now</button></div>
                  </form>
                </>
              )}
            </section>
          ))}
        </>
      )}
    </SignedIn>
  );
}
