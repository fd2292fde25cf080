'use client';

import { useState, type ChangeEvent, type FormEvent } from 'react';
import { callApi } from '@/lib/dashboard/api-client';
import { AVATAR_ACCEPT, AVATAR_UPLOAD_LIMIT_BYTES, parseProfileForm, profileInputValue } from '@/lib/dashboard/profile-form';
import { PROFILE_LIMITS, type ProfileText, type ProfileTextField } from '@/lib/profiles/fields';
import { Feedback } from '../account-ui';
import { SignedIn } from '../signed-in';
import { useApi } from '../use-api';

interface MyNode { id: string; ip: string; port: number; isVerified: boolean; displayName: string | null }
interface Change { id: string; kind: 'profile' | 'avatar'; status: string; fields: ProfileText | null; avatarUrl: string | null; reason: string | null; created_at: string }
interface OwnerView {
  profile: (ProfileText & { avatarUrl: string | null; approvedAt: string }) | null;
  pending: { profile: Change | null; avatar: Change | null };
  recent: Change[];
}

const FIELDS: { field: ProfileTextField; label: string; hint: string; multiline?: boolean; max?: number }[] = [
  { field: 'displayName', label: 'Display name', hint: `At most ${PROFILE_LIMITS.displayName} characters.`, max: PROFILE_LIMITS.displayName },
  { field: 'description', label: 'Description', hint: `At most ${PROFILE_LIMITS.description} characters.`, multiline: true, max: PROFILE_LIMITS.description },
  { field: 'website', label: 'Website', hint: 'An https:// address.', max: PROFILE_LIMITS.website },
  { field: 'x', label: 'X (Twitter)', hint: 'Your handle, e.g. @satoshi.' },
  { field: 'github', label: 'GitHub', hint: 'A user or organisation name.' },
  { field: 'discord', label: 'Discord', hint: 'A server invite (https://discord.gg/…) or your username.' },
  { field: 'telegram', label: 'Telegram', hint: 'A username or channel, e.g. @mynode.' },
  { field: 'nostr', label: 'nostr', hint: 'Your public key, npub1…' },
];

const hostPort = (node: MyNode) => `${node.ip.includes(':') ? `[${node.ip}]` : node.ip}:${node.port}`;

/** Picks one of the user's verified nodes and edits its operator profile. */
export function ProfileEditor() {
  const nodes = useApi<{ nodes: MyNode[] }>('/api/my-nodes');
  const [chosen, setChosen] = useState<string | null>(null);
  return (
    <SignedIn result={nodes.result} retry={nodes.reload}>
      {({ nodes: mine }) => {
        const verified = mine.filter((node) => node.isVerified);
        if (verified.length === 0) {
          return (
            <p className="notice" role="status">
              None of your nodes is verified yet. <a href="/account/verification">Verify a node</a> to give it an operator profile.
            </p>
          );
        }
        const nodeId = chosen && verified.some((node) => node.id === chosen) ? chosen : verified[0]!.id;
        return (
          <>
            {verified.length > 1 && (
              <label className="form-stack">
                Node
                <select value={nodeId} onChange={(event) => setChosen(event.target.value)}>
                  {verified.map((node) => <option key={node.id} value={node.id}>{hostPort(node)}{node.displayName ? ` — ${node.displayName}` : ''}</option>)}
                </select>
              </label>
            )}
            <NodeProfile key={nodeId} node={verified.find((node) => node.id === nodeId)!} />
          </>
        );
      }}
    </SignedIn>
  );
}

function NodeProfile({ node }: { node: MyNode }) {
  const view = useApi<OwnerView>(`/api/my-nodes/${node.id}/profile`);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<Partial<Record<ProfileTextField, string>>>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const target = event.currentTarget;
    const values = new FormData(target);
    const parsed = parseProfileForm(Object.fromEntries(FIELDS.map(({ field }) => [field, values.get(field)])));
    if (!parsed.ok) {
      setInvalid(Object.fromEntries(parsed.errors.map((issue) => [issue.field, issue.message])));
      setNotice(null);
      setError(`${parsed.errors.map((issue) => issue.message).join('. ')}.`);
      target.querySelector<HTMLElement>(`[name=${parsed.errors[0]!.field}]`)?.focus();
      return;
    }
    setInvalid({});
    setBusy(true);
    const result = await callApi('/api/my-nodes/' + node.id + '/profile', { method: 'PUT', body: parsed.data });
    setBusy(false);
    if (!result.ok) {
      setNotice(null);
      setError(result.message);
      return;
    }
    setError(null);
    setNotice('Profile sent for review. It shows once a moderator approves it.');
    view.reload();
  }

  async function chooseAvatar(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    if (file.size > AVATAR_UPLOAD_LIMIT_BYTES) {
      setNotice(null);
      setError('The image is larger than 2 MiB; choose a smaller one.');
      input.value = '';
      return;
    }
    const dataUrl = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    }).catch(() => null);
    if (!dataUrl) {
      setError('The file could not be read.');
      return;
    }
    setBusy(true);
    const result = await callApi('/api/my-nodes/' + node.id + '/profile/avatar', { method: 'POST', body: { image: dataUrl } });
    setBusy(false);
    input.value = '';
    if (!result.ok) {
      setNotice(null);
      setError(result.message);
      return;
    }
    setError(null);
    setNotice('Avatar sent for review. It shows once a moderator approves it.');
    view.reload();
  }

  async function removeAvatar() {
    setBusy(true);
    const result = await callApi('/api/my-nodes/' + node.id + '/profile/avatar', { method: 'DELETE' });
    setBusy(false);
    if (!result.ok) return setError(result.message);
    setError(null);
    setNotice('Avatar removal sent for review.');
    view.reload();
  }

  const describedBy = (field: ProfileTextField) => [`profile-${field}-hint`, invalid[field] ? `profile-${field}-error` : null].filter(Boolean).join(' ');

  return (
    <section aria-labelledby="profile-heading">
      <h2 id="profile-heading">
        Profile of <a href={`/nodes/${node.id}`} className="mono">{hostPort(node)}</a>
      </h2>
      <Feedback notice={notice} error={error} />
      <SignedIn result={view.result} retry={view.reload}>
        {({ profile, pending, recent }) => {
          const initial = pending.profile?.fields ?? profile;
          const rejected = recent.find((change) => change.status === 'rejected');
          return (
            <>
              <p>
                {profile ? `Approved profile live since ${profile.approvedAt.slice(0, 16).replace('T', ' ')} UTC.` : 'No approved profile yet.'}{' '}
                {pending.profile && <strong>Your latest changes wait for review (since {pending.profile.created_at.slice(0, 16).replace('T', ' ')} UTC).</strong>}
              </p>
              {rejected && (
                <p className="notice error">
                  A moderator rejected your {rejected.kind === 'avatar' ? 'avatar' : 'profile change'}{rejected.reason ? `: ${rejected.reason}` : '.'}
                </p>
              )}
              <form className="card form-stack" onSubmit={submit} noValidate aria-label="Operator profile" aria-busy={busy}>
                {FIELDS.map(({ field, label, hint, multiline, max }) => (
                  <label key={field}>
                    {label}
                    {multiline ? (
                      <textarea name={field} rows={4} maxLength={max} defaultValue={profileInputValue(field, initial?.[field])}
                        aria-invalid={invalid[field] ? true : undefined} aria-describedby={describedBy(field)} />
                    ) : (
                      <input name={field} maxLength={max ?? 100} autoComplete="off" spellCheck={field === 'displayName'} defaultValue={profileInputValue(field, initial?.[field])}
                        aria-invalid={invalid[field] ? true : undefined} aria-describedby={describedBy(field)} />
                    )}
                    <span id={`profile-${field}-hint`} className="hint">{hint} Leave empty to show nothing.</span>
                    {invalid[field] && <span id={`profile-${field}-error`} className="form-error">{invalid[field]}</span>}
                  </label>
                ))}
                <div className="form-actions">
                  <button type="submit" className="button" disabled={busy}>Send for review</button>
                </div>
              </form>
              <h3>Avatar</h3>
              <div className="card form-stack">
                <p className="avatar-row">
                  {profile?.avatarUrl ? <img src={profile.avatarUrl} alt="Approved avatar" width={64} height={64} className="avatar" /> : <span className="muted">No approved avatar.</span>}
                  {pending.avatar && (
                    pending.avatar.avatarUrl
                      ? <><img src={pending.avatar.avatarUrl} alt="Avatar waiting for review" width={64} height={64} className="avatar" /> <span className="muted">waits for review</span></>
                      : <span className="muted">Removal waits for review.</span>
                  )}
                </p>
                <label>
                  Upload an image
                  <input type="file" name="avatar" accept={AVATAR_ACCEPT} onChange={chooseAvatar} disabled={busy} aria-describedby="avatar-hint" />
                  <span id="avatar-hint" className="hint">PNG, JPEG, WebP or GIF, at most 2 MiB; it is cropped to a 256×256 square and its metadata removed.</span>
                </label>
                {profile?.avatarUrl && (
                  <div className="form-actions">
                    <button type="button" className="button secondary" onClick={removeAvatar} disabled={busy}>Remove the avatar</button>
                  </div>
                )}
              </div>
            </>
          );
        }}
      </SignedIn>
    </section>
  );
}
