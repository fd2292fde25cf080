'use client';

import { useState, type FormEvent } from 'react';
import { callApi } from '@/lib/dashboard/api-client';
import { checkFields, maxLength, minLength } from '@/lib/dashboard/form-checks';

/**
 * The new password: with the token of a local reset link (POST /api/auth/reset-password/confirm,
 * which also signs in), or after a Supabase reset link signed the user in (POST /api/auth/password).
 */
export function NewPasswordForm({ token }: { token?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const checked = checkFields({ password: form.get('password'), confirm: form.get('confirm') }, {
      password: [minLength(10, 'The password needs at least 10 characters'), maxLength(200, 'The password is at most 200 characters')],
      confirm: [],
    }, ['password', 'confirm']);
    const issues = [
      ...checked.issues.map((issue) => issue.message),
      ...(checked.values.password === checked.values.confirm ? [] : ['The two passwords differ']),
    ];
    if (issues.length) {
      setError(issues.join('. '));
      return;
    }
    setBusy(true);
    setError(null);
    const result = token
      ? await callApi('/api/auth/reset-password/confirm', { method: 'POST', body: { token, password: checked.values.password } })
      : await callApi('/api/auth/password', { method: 'POST', body: { password: checked.values.password } });
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    window.location.assign('/account');
  }

  return (
    <form className="card form-stack" onSubmit={submit} noValidate>
      <label>
        New password
        <input type="password" name="password" autoComplete="new-password" required minLength={10} />
      </label>
      <label>
        Repeat it
        <input type="password" name="confirm" autoComplete="new-password" required minLength={10} />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy}>Save the new password</button>
      </div>
    </form>
  );
}
