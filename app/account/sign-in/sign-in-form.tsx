'use client';

import { useState, type FormEvent } from 'react';
import { callApi } from '@/lib/dashboard/api-client';
import { checkFields, email, maxLength, minLength } from '@/lib/dashboard/form-checks';

type Field = 'email' | 'password';

/** Local email + password sign-in or sign-up (POST /api/auth/signin | signup); mistakes are shown at their field. */
export function SignInForm() {
  const [error, setError] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<Partial<Record<Field, string>>>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const target = event.currentTarget;
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const mode = submitter?.value === 'signup' ? 'signup' : 'signin';
    const form = new FormData(target);
    const checked = checkFields<Field>({ email: form.get('email'), password: form.get('password') }, {
      email: [email('Enter a valid email address')],
      password: [minLength(8, 'The password needs at least 8 characters'), maxLength(200, 'The password is at most 200 characters')],
    }, ['password']);
    const errors = checked.issues;
    if (errors.length) {
      setInvalid(Object.fromEntries(errors.map((issue) => [issue.field, issue.message])));
      setError(errors.map((issue) => issue.message).join('. ') + '.');
      target.querySelector<HTMLInputElement>(`[name=${errors[0]!.field}]`)?.focus();
      return;
    }
    setInvalid({});
    setBusy(true);
    setError(null);
    const result = await callApi<{ cookie?: { secure?: boolean }; confirmation_required?: boolean }>(`/api/auth/${mode}`, { method: 'POST', body: checked.values });
    if (!result.ok) {
      setBusy(false);
      setError(result.message);
      return;
    }
    if (result.data?.confirmation_required) {
      setBusy(false);
      setError('Account created. Confirm your email address with the link we just sent, then sign in.');
      return;
    }
    // The session lives in a cookie: check the browser kept it before moving on.
    const me = await callApi('/api/auth/me');
    setBusy(false);
    if (!me.ok && me.status === 401) {
      setError(
        result.data.cookie?.secure && window.location.protocol !== 'https:'
          ? 'Signed in, but the browser refused the session cookie: it requires https and this page is http. Open the site over https.'
          : 'Signed in, but the browser did not keep the session cookie. Allow cookies for this site and try again.',
      );
      return;
    }
    window.location.assign('/account');
  }

  const fieldProps = (field: Field) => ({
    'aria-invalid': invalid[field] ? true : undefined,
    'aria-describedby': invalid[field] ? `signin-${field}-error` : undefined,
  });
  const fieldError = (field: Field) =>
    invalid[field] ? <span id={`signin-${field}-error`} className="form-error">{invalid[field]}</span> : null;

  return (
    <form className="card form-stack" onSubmit={submit} noValidate aria-label="Sign in or create an account">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <label>
        Email
        <input type="email" name="email" autoComplete="email" required {...fieldProps('email')} />
        {fieldError('email')}
      </label>
      <label>
        Password
        <input type="password" name="password" autoComplete="current-password" required minLength={8} {...fieldProps('password')} />
        {fieldError('password')}
      </label>
      <div className="form-actions">
        <button type="submit" className="button" name="mode" value="signin" disabled={busy}>Sign in</button>
        <button type="submit" className="button secondary" name="mode" value="signup" disabled={busy}>Create account</button>
      </div>
    </form>
  );
}
