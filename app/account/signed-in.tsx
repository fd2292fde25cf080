'use client';

import type { ReactNode } from 'react';
import type { ApiResult } from '@/lib/dashboard/api-client';

/** Loading, "sign in first" (401) and error states around an account view. */
export function SignedIn<T>({ result, children }: { result: ApiResult<T> | null; children: (data: T) => ReactNode }) {
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
  if (!result.ok) return <p className="form-error" role="alert">{result.message}</p>;
  return <>{children(result.data)}</>;
}
