import type { Metadata } from 'next';
import { settingField } from '@/lib/dashboard/forms';
import { SETTING_KEYS } from '@/lib/settings/app-settings';
import { AdminPanel } from './admin-panel';

export const metadata: Metadata = { title: 'Administration' };

export default function AdminPage() {
  return (
    <>
      <h1>Administration</h1>
      {/* The settings forms are described here, on the server, so the browser needs no zod. */}
      <AdminPanel settingFields={SETTING_KEYS.map(settingField)} />
    </>
  );
}
