import type { Metadata } from 'next';
import { ProfileEditor } from './profile-editor';

export const metadata: Metadata = { title: 'Operator profile' };

export default function OperatorProfilePage() {
  return (
    <>
      <h1>Operator profile</h1>
      <p className="muted">
        The owner of a verified node can show a name, a description, links and an avatar on the node page, the leaderboard
        and the map. Every change is reviewed by a moderator first; until then the approved profile stays as it is.
      </p>
      <ProfileEditor />
    </>
  );
}
