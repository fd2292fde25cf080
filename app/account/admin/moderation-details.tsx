import { profileLinks, type ProfileText } from '@/lib/profiles/fields';

/** GET /api/admin/moderation items (spec shape, plus profile_info / avatar_info for operator profiles). */
export interface ModerationItem {
  id: string;
  item_type: 'verification' | 'profile' | 'avatar';
  node_id: string;
  node_info: { ip: string; port: number };
  user_email: string;
  created_at: string;
  flagged: boolean;
  verification_info?: { method: string };
  profile_info?: ProfileText & { current: ProfileText | null };
  avatar_info?: { avatarUrl: string | null; remove: boolean; currentAvatarUrl: string | null; width: number | null; height: number | null; bytes: number | null };
}

export const ITEM_LABELS: Record<ModerationItem['item_type'], string> = { verification: 'Verification', profile: 'Profile change', avatar: 'Avatar' };

/** What a queue item asks for, shown to the moderator (text as text, never as markup). */
export function ModerationDetails({ item }: { item: ModerationItem }) {
  if (item.item_type === 'verification') return <>{item.verification_info?.method ?? '—'}</>;
  if (item.item_type === 'avatar') {
    const avatar = item.avatar_info;
    if (!avatar?.avatarUrl) return <>Remove the avatar</>;
    return (
      <span className="avatar-row">
        <img src={avatar.avatarUrl} alt={`Submitted avatar of ${item.node_info.ip}:${item.node_info.port}`} width={64} height={64} className="avatar" />
        {avatar.currentAvatarUrl ? <span className="muted">replaces the current one</span> : <span className="muted">first avatar</span>}
      </span>
    );
  }
  const fields = item.profile_info;
  if (!fields) return <>—</>;
  return (
    <dl className="details">
      <div><dt>Name</dt><dd>{fields.displayName ?? '—'}{fields.current && fields.current.displayName !== fields.displayName ? ` (was ${fields.current.displayName ?? '—'})` : ''}</dd></div>
      {fields.description && <div><dt>Description</dt><dd className="operator-description">{fields.description}</dd></div>}
      {profileLinks(fields).map((link) => (
        <div key={link.kind}><dt>{link.kind}</dt><dd className="mono">{link.href ?? link.label}</dd></div>
      ))}
    </dl>
  );
}
