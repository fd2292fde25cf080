'use client';

import { useState } from 'react';
import { callApi } from '@/lib/dashboard/api-client';

/** Confirms the address with the emailed token (POST /api/auth/verify-email/confirm). */
export function ConfirmEmail({ token }: { token: string }) {
  const [state, setState] = useState<{ busy: boolean; done: string | null; error: string | null }>({ busy: false, done: null, error: null });

  async function confirm() {
    setState({ busy: true, done: null, error: null });
    const result = await callApi<{ message: string }>('/api/auth/verify-email/confirm', { method: 'POST', body: { token } });
    setState(result.ok ? { busy: false, done: result.data.message, error: null } : { busy: false, done: null, error: result.message });
  }

  if (state.done) {
    return (
      <p className="notice" role="status">
        {state.done} <a href="/account">Go to your account</a>
      </p>
    );
  }
  return (
    <div className="card form-stack">
      <p>Confirm that this email address belongs to your Peerscope account.</p>
      {state.error && <p className="form-error" role="alert">{state.error}</p>}
      <div className="form-actions">
        <button type="button" className="button" onClick={confirm} disabled={state.busy}>Confirm my email address</button>
      </div>
    </div>
  );
}
