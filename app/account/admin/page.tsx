import type { Metadata } from 'next';
import { AdminPanel } from './admin-panel';

export const metadata: Metadata = { title: 'Administration' };

export default function AdminPage() {
  return (
    <>
      <h1>Administration</h1>
      <AdminPanel />
    </>
  );
}
