import type { Metadata } from 'next';
import { AlertSubscriptions } from './alert-subscriptions';

export const metadata: Metadata = { title: 'Alerts' };

export default function AlertsPage() {
  return (
    <>
      <h1>Alerts</h1>
      <p className="muted">Get an email, a Discord message or a webhook call when one of your registered nodes changes state.</p>
      <AlertSubscriptions />
    </>
  );
}
