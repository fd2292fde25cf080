import type { Metadata } from 'next';

// Rendered per request: a cached copy would carry the 200 status and a long cache lifetime.
export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Data temporarily unavailable', robots: { index: false } };

/** Shown with status 503 (see proxy.ts) while the database does not answer. */
export default function UnavailablePage() {
  return (
    <>
      <h1>Data temporarily unavailable</h1>
      <div className="notice" role="status">
        <p>The network data cannot be loaded right now because the database is not answering. This is usually over within a minute.</p>
        <p className="form-actions">
          <a className="button" href="">Try again</a>
          <a className="button secondary" href="/api/health">Service health</a>
        </p>
      </div>
    </>
  );
}
