import type { Metadata } from 'next';
import { ApiKeys } from './api-keys';

export const metadata: Metadata = { title: 'API keys' };

export default function KeysPage() {
  return (
    <>
      <h1>API keys</h1>
      <p className="muted">Keys authenticate API requests (<code>Authorization: Bearer btc_sk_…</code>). A new key is shown once; store it then.</p>
      <ApiKeys />
    </>
  );
}
