'use client';

import { useState, type FormEvent } from 'react';
import { callApi } from '@/lib/dashboard/api-client';
import { checkFields, email as emailCheck } from '@/lib/dashboard/form-checks';

/** Emails a password reset link (POST /api/auth/reset-password): Supabase Auth's, or ours for local accounts. */
export function ForgotPasswordForm() {
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = checkFields({ email: new FormData(event.currentTarget).get('email') }, { email: [emailCheck('Enter a valid email address')] });
    if (checked.issues.length) {
      setMessage({ error: true, text: checked.issues[0]!.message });
      return;
    }
    setBusy(true);
    const result = await callApi('/api/auth/reset-password', { method: 'POST', body: { email: checked.values.email } });
    setBusy(false);
    setMessage(
      result.ok
        ? { error: false, text: 'If an account uses this address, an email with a reset link is on its way. Follow it within 30 minutes to choose a new password.' }
        : { error: true, text: result.message },
    );
  }

  return (
    <details className="card">
      <summary>Forgot your password?</summary>
      <form className="form-stack" onSubmit={submit} noValidate>
        <label>
          Email
          <input type="email" name="email" autoComplete="email" required />
        </label>
        {message && (
          <p className={message.error ? 'form-error' : 'muted'} role={message.error ? 'alert' : 'status'}>
            {message.text}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button secondary" disabled={busy}>Email me a reset link</button>
        </div>
      </form>
    </details>
  );
}
