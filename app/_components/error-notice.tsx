'use client';

import { useEffect, useRef } from 'react';

/** "Something went wrong" with a retry; the heading takes focus so screen readers announce the change. */
export function ErrorNotice({ error, retry }: { error: unknown; retry: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    console.error(error);
    heading.current?.focus();
  }, [error]);
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <div className="notice error">
      <h1 ref={heading} tabIndex={-1}>Something went wrong</h1>
      <p>This page could not be shown because of a problem on our side. It is usually temporary: try again in a moment.</p>
      {digest && <p className="muted">{`Reference for the operator: ${digest}`}</p>}
      <p className="form-actions">
        <button type="button" className="button" onClick={() => retry()}>Try again</button>
        <a className="button secondary" href="/">Go to the network overview</a>
      </p>
    </div>
  );
}
