import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'Data temporarily unavailable', robots: { index: false } };

/** Served by proxy.ts with status 503 while the database does not answer. */
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
