'use client';

import { useState } from 'react';
import { callApi } from '@/lib/dashboard/api-client';
import { checkFields, maxLength, required } from '@/lib/dashboard/form-checks';
import { Feedback, ListTable } from '../account-ui';
import { SignedIn } from '../signed-in';
import { useApi } from '../use-api';
import type { SettingField } from '@/lib/dashboard/setting-input';
import { SettingsEditor } from './settings-editor';
import { BansPanel } from './bans-panel';
import { RetryNodeForm } from './retry-node-form';
import { ITEM_LABELS, ModerationDetails, type ModerationItem } from './moderation-details';

interface User { id: string; email: string; role: 'user' | 'admin'; banned_at: string | null; ban_reason: string | null; node_count: number; active_key_count: number; created_at: string }
type Review = ModerationItem;
interface AuditEntry { id: string; actor_email: string | null; action: string; target_type: string | null; target_id: string | null; created_at: string }


/** Users (ban, unban, role), the moderation queue (verifications, operator profiles, avatars), the audit log and the settings (admins only; 403 otherwise). */
export function AdminPanel({ settingFields }: { settingFields: SettingField[] }) {
  const users = useApi<{ users: User[]; total: number }>('/api/admin/users?limit=50');
  const queue = useApi<{ items: Review[] }>('/api/admin/moderation');
  const audit = useApi<{ entries: AuditEntry[] }>('/api/admin/audit?limit=20');
  const settings = useApi<{ settings: Record<string, unknown> }>('/api/admin/settings');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function run(path: string, method: string, body: unknown, done: string) {
    const result = await callApi(path, { method, body });
    if (!result.ok) return setError(result.message);
    setError(null);
    setNotice(done);
    users.reload();
    queue.reload();
    audit.reload();
  }

  function askReason(question: string): string | null {
    const checked = checkFields({ reason: window.prompt(question) ?? '' }, { reason: [required('A reason is required'), maxLength(500, 'The reason is at most 500 characters')] });
    if (checked.issues.length) {
      setError(checked.issues[0]!.message);
      return null;
    }
    return checked.values.reason;
  }

  return (
    <SignedIn result={users.result} retry={users.reload}>
      {({ users: list, total }) => (
        <>
          <Feedback notice={notice} error={error} />
          <h2>Users</h2>
          <ListTable caption={`Newest users (${total} in all)`} columns={['Email', 'Role', { label: 'Nodes', numeric: true }, { label: 'Active keys', numeric: true }, 'State', 'Actions']} empty="No users." isEmpty={list.length === 0}>
                {list.map((user) => (
                  <tr key={user.id}>
                    <th scope="row">{user.email}</th>
                    <td>{user.role}</td>
                    <td className="num">{user.node_count}</td>
                    <td className="num">{user.active_key_count}</td>
                    <td>{user.banned_at ? `Banned: ${user.ban_reason ?? ''}` : 'Active'}</td>
                    <td>
                      <span className="form-actions">
                        {user.banned_at ? (
                          <button type="button" className="button secondary" onClick={() => run('/api/admin/users', 'PATCH', { user_id: user.id, banned: false }, `${user.email} unbanned.`)}>Unban</button>
                        ) : (
                          <button type="button" className="button danger" aria-label={`Ban ${user.email}`} onClick={() => {
                            const reason = askReason(`Why ban ${user.email}?`);
                            if (reason) void run('/api/admin/users', 'PATCH', { user_id: user.id, banned: true, reason }, `${user.email} banned.`);
                          }}>Ban</button>
                        )}
                        <button type="button" className="button secondary" aria-label={`${user.role === 'admin' ? 'Make user' : 'Make admin'}: ${user.email}`}
                          onClick={() => run('/api/admin/users', 'PATCH', { user_id: user.id, role: user.role === 'admin' ? 'user' : 'admin' }, `${user.email} is now ${user.role === 'admin' ? 'a user' : 'an admin'}.`)}>
                          {user.role === 'admin' ? 'Make user' : 'Make admin'}
                        </button>
                      </span>
                    </td>
                  </tr>
                ))}
          </ListTable>
          <h2>Moderation queue</h2>
          <SignedIn result={queue.result} retry={queue.reload}>
            {({ items: reviews }) => (
              <ListTable caption="Verifications, profile changes and avatars awaiting a decision, oldest first" columns={['Node', 'User', 'Item', 'Details', 'Since', 'Decision']} empty="Nothing to review." isEmpty={reviews.length === 0}>
                    {reviews.map((review) => (
                      <tr key={review.id}>
                        <th scope="row"><a href={`/nodes/${review.node_id}`} className="mono">{review.node_info.ip}:{review.node_info.port}</a></th>
                        <td>{review.user_email}</td>
                        <td>{ITEM_LABELS[review.item_type]}{review.flagged ? ' (flagged)' : ''}</td>
                        <td><ModerationDetails item={review} /></td>
                        <td>{review.created_at.slice(0, 16).replace('T', ' ')}</td>
                        <td>
                          <span className="form-actions">
                            <button type="button" className="button" aria-label={`Approve ${ITEM_LABELS[review.item_type].toLowerCase()} of ${review.node_info.ip}:${review.node_info.port}`}
                              onClick={() => run('/api/admin/moderation', 'POST', { itemId: review.id, action: 'approve' }, `${ITEM_LABELS[review.item_type]} approved.`)}>Approve</button>
                            <button type="button" className="button secondary" onClick={() => run('/api/admin/moderation', 'POST', { itemId: review.id, action: 'flag' }, `${ITEM_LABELS[review.item_type]} flagged.`)}>Flag</button>
                            <button type="button" className="button danger" onClick={() => {
                              const reason = askReason(`Why reject this ${ITEM_LABELS[review.item_type].toLowerCase()}?`);
                              if (reason) void run('/api/admin/moderation', 'POST', { itemId: review.id, action: 'reject', notes: reason }, `${ITEM_LABELS[review.item_type]} rejected.`);
                            }}>Reject</button>
                          </span>
                        </td>
                      </tr>
                    ))}
              </ListTable>
            )}
          </SignedIn>
          <BansPanel onChanged={audit.reload} />
          <RetryNodeForm onDone={audit.reload} />
          <h2>Audit log</h2>
          <SignedIn result={audit.result} retry={audit.reload}>
            {({ entries }) => (
              <ListTable caption="The 20 latest admin actions" columns={['When', 'Who', 'Action', 'Target']} empty="No admin actions yet." isEmpty={entries.length === 0}>
                    {entries.map((entry) => (
                      <tr key={entry.id}>
                        <td>{entry.created_at.slice(0, 19).replace('T', ' ')}</td>
                        <td>{entry.actor_email ?? '—'}</td>
                        <td>{entry.action}</td>
                        <td>{[entry.target_type, entry.target_id].filter(Boolean).join(' ') || '—'}</td>
                      </tr>
                    ))}
              </ListTable>
            )}
          </SignedIn>
          <h2>Settings</h2>
          <SignedIn result={settings.result} retry={settings.reload}>
            {({ settings: values }) => <SettingsEditor fields={settingFields} initial={values} onSaved={audit.reload} />}
          </SignedIn>
        </>
      )}
    </SignedIn>
  );
}
