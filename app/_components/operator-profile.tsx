import type { OperatorProfile } from '@/lib/profiles/service';

/** The approved operator profile of a node: avatar, name, description and links (built from checked handles). */
export function OperatorProfileCard({ profile }: { profile: OperatorProfile }) {
  return (
    <section aria-labelledby="operator-heading" className="card operator-card">
      {profile.avatarUrl && <img src={profile.avatarUrl} alt="" width={96} height={96} className="avatar" />}
      <div>
        <h2 id="operator-heading">{profile.displayName ?? 'Node operator'}</h2>
        {profile.description && <p className="operator-description">{profile.description}</p>}
        {profile.links.length > 0 && (
          <ul className="operator-links" aria-label="Operator links">
            {profile.links.map((link) => (
              <li key={link.kind}>
                {link.href ? <a href={link.href} rel="nofollow ugc noopener noreferrer" target="_blank">{link.label}</a> : link.label}
              </li>
            ))}
          </ul>
        )}
        <p className="muted">Operator profile, approved by a moderator.</p>
      </div>
    </section>
  );
}

/** A node's operator in a table cell: small avatar and display name. */
export function OperatorName({ profile }: { profile: Pick<OperatorProfile, 'displayName' | 'avatarUrl'> }) {
  if (!profile.displayName && !profile.avatarUrl) return null;
  return (
    <span className="operator">
      {profile.avatarUrl && <img src={profile.avatarUrl} alt="" width={20} height={20} className="avatar" />}
      {profile.displayName && <span>{profile.displayName}</span>}
    </span>
  );
}
