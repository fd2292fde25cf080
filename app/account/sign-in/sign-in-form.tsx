'use client';

import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { callApi } from '@/lib/dashboard/api-client';

const credentialsSchema = z.object({
  email: z.email('Enter a valid email address'),
  password: z.string().min(8, 'The password needs at least 8 characters').max(200),
});

/** Local email + password sign-in or sign-up (POST /api/auth/signin | signup). */
export function SignInForm() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const mode = submitter?.value === 'signup' ? 'signup' : 'signin';
    const form = new FormData(event.currentTarget);
    const parsed = credentialsSchema.safeParse({ email: form.get('email'), password: form.get('password') });
    if (!parsed.success) {
      setError(parsed.error.issues.map((issue) => issue.message).join('. '));
      return;
    }
    setBusy(true);
    setError(null);
    const result = await callApi<{ confirmation_required?: boolean }>(`/api/auth/${mode}`, { method: 'POST', body: parsed.data });
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    if (result.data?.confirmation_required) {
      setError('Account created. Confirm your email address with the link we just sent, then sign in.');
      return;
    }
    window.location.assign('/account');
  }

  return (
    <form className="card form-stack" onSubmit={submit} noValidate>
      <label>
        Email
        <input type="email" name="email" autoComplete="email" required />
      </label>
      <label>
        Password
        <input type="password" name="password" autoComplete="current-password" required minLength={8} />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button" name="mode" value="signin" disabled={busy}>Sign in</button>
        <button type="submit" className="button secondary" name="mode" value="signup" disabled={busy}>Create account</button>
      </div>
    </form>
  );
}
