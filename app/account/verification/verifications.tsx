'use client';

import { useState, type FormEvent } from 'react';
import { callApi } from '@/lib/dashboard/api-client';
import { checkFields, maxLength, minLength, wholeNumber, type Check } from '@/lib/dashboard/form-checks';
import { Feedback } from '../account-ui';
import { SignedIn } from '../signed-in';
import { useApi } from '../use-api';

const METHODS = { user_agent: 'User agent comment', http_file: 'HTTP file', dns_txt: 'DNS TXT record', message_sign: 'Signed message' } as const;
type Method = keyof typeof METHODS;
/** Length limits of the check inputs; a blank one is left out. */
const lengthBetween = (field: string, min: number, max: number): Check[] => [
  (value) => (value === '' ? null : minLength(min, `${field}: at least ${min} characters`)(value)),
  maxLength(max, `${field}: at most ${max} characters`),
];

interface Verification {
  id: string; node_id: string; method: Method; challenge: string; status: string; failure_reason: string | null;
  created_at: string; expires_at: string; instructions?: { how: string; message?: string; url?: string; record?: string };
}

function blankless(values: Record<string, string>) {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
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
    const checked = checkFields({ node_id: form.get('node_id') }, { node_id: [wholeNumber(1, Number.MAX_SAFE_INTEGER, 'Node id must be a positive whole number')] });
    if (checked.issues.length) return setError(checked.issues[0]!.message);
    const method = String(form.get('method')) as Method;
    if (!(method in METHODS)) return setError('Choose a method');
    if (!(await open({ node_id: Number(checked.values.node_id), method }))) return;
    setNotice('Verification started: follow the instructions below, then check.');
    list.reload();
  }

  async function check(event: FormEvent<HTMLFormElement>, verification: Verification) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const checked = checkFields({ hostname: form.get('hostname'), address: form.get('address'), signature: form.get('signature') }, {
      hostname: lengthBetween('hostname', 3, 253),
      address: lengthBetween('address', 25, 64),
      signature: lengthBetween('signature', 80, 100),
    });
    if (checked.issues.length) return setError(checked.issues.map((issue) => issue.message).join('. '));
    const result = await callApi<{ verification: Verification }>(`/api/verification/${verification.id}/check`, { method: 'POST', body: blankless(checked.values) });
    if (!result.ok) {
      setNotice(null);
      return setError(`Check failed: ${result.message}`);
    }
    setError(null);
    setNotice(`Verification ${result.data.verification.status.replace('_', ' ')}.`);
    list.reload();
  }

  return (
    <SignedIn result={list.result} retry={list.reload}>
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
