'use client';

import { useState } from 'react';
import { callApi } from '@/lib/dashboard/api-client';

/** Local accounts: whether the address is confirmed, and a button that emails a new link (POST /api/auth/verify-email). */
export function EmailVerification({ verifiedAt }: { verifiedAt: string | null }) {
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  if (verifiedAt) return <p className="muted">Email address confirmed on {verifiedAt.slice(0, 10)}.</p>;

  async function send() {
    setBusy(true);
    const result = await callApi<{ message: string }>('/api/auth/verify-email', { method: 'POST', body: {} });
    setBusy(false);
    setMessage(result.ok ? { error: false, text: result.data.message } : { error: true, text: result.message });
  }

  return (
    <p>
      Your email address is not confirmed yet.{' '}
      <button type="button" className="button secondary" onClick={send} disabled={busy}>Email me a confirmation link</button>
      {message && (
        <span className={message.error ? 'form-error' : 'muted'} role={message.error ? 'alert' : 'status'}>
          {' '}{message.text}
        </span>
      )}
    </p>
  );
}
