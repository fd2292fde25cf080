'use client';

import type { ReactNode } from 'react';
import { callApi, type ApiResult } from '@/lib/dashboard/api-client';

/** Ends the session and goes to the sign-in page (works even when the other account endpoints fail). */
export function SignOutButton() {
  return (
    <button
      type="button"
      className="button secondary"
      onClick={async () => {
        await callApi('/api/auth/signout', { method: 'POST' });
        window.location.assign('/account/sign-in');
      }}
    >
      Sign out
    </button>
  );
}

/** Loading, "sign in first" (401), no access (403) and error states (with a retry) around an account view. */
export function SignedIn<T>({ result, retry, children }: { result: ApiResult<T> | null; retry?: () => void; children: (data: T) => ReactNode }) {
  if (!result) return <p className="muted" role="status">Loading…</p>;
  if (!result.ok && result.status === 401) {
    return (
      <div className="notice" role="alert">
        <p>You are not signed in. <a href="/account/sign-in">Sign in</a> to see this page.</p>
      </div>
    );
  }
  if (!result.ok && result.status === 403) {
    return <p className="notice error" role="alert">{`You do not have access to this page: ${result.message}`}</p>;
  }
  if (!result.ok) {
    return (
      <div className="notice error">
        <p role="alert">{`This could not be loaded: ${result.message}`}</p>
        <p className="form-actions">
          {retry && <button type="button" className="button" onClick={retry}>Try again</button>}
          <SignOutButton />
        </p>
      </div>
    );
  }
  return <>{children(result.data)}</>;
}
