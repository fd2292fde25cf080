import type { Sql } from '../db/client';

export interface Profile {
  id: string;
  email: string;
  display_name: string | null;
  role: 'user' | 'admin';
  banned_at: Date | null;
  ban_reason: string | null;
  created_at: Date;
  last_sign_in_at: Date | null;
  /** When the address was confirmed through an emailed link (local accounts); null until then. */
  email_verified_at: Date | null;
}

export class ProfileConflictError extends Error {
  override name = 'ProfileConflictError';
}

const COLUMNS = ['id', 'email', 'display_name', 'role', 'banned_at', 'ban_reason', 'created_at', 'last_sign_in_at', 'email_verified_at'] as const;

export async function findProfile(sql: Sql, id: string): Promise<Profile | undefined> {
  const [profile] = await sql<Profile[]>`select ${sql(COLUMNS)} from profiles where id = ${id}`;
  return profile;
}

/**
 * The profile of an authenticated identity, created on first sight (Supabase users have no
 * row until then). ADMIN_EMAILS promotes matching emails to admin; nobody is demoted by it.
 */
export async function ensureProfile(
  sql: Sql,
  identity: { userId: string; email: string },
  adminEmails: Set<string>,
): Promise<Profile> {
  let profile = await findProfile(sql, identity.userId);
  if (!profile) {
    try {
      [profile] = await sql<Profile[]>`
        insert into profiles (id, email, last_sign_in_at) values (${identity.userId}, ${identity.email}, now())
        on conflict (id) do update set updated_at = profiles.updated_at
        returning ${sql(COLUMNS)}`;
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new ProfileConflictError('Another account already uses this email address.');
      }
      throw error;
    }
  }
  if (!profile) throw new Error('profile upsert returned nothing');
  if (profile.role !== 'admin' && adminEmails.has(profile.email)) {
    [profile] = await sql<Profile[]>`
      update profiles set role = 'admin', updated_at = now() where id = ${profile.id} returning ${sql(COLUMNS)}`;
  }
  return profile!;
}

export function publicProfile(profile: Profile) {
  return {
    id: profile.id,
    email: profile.email,
    display_name: profile.display_name,
    role: profile.role,
    created_at: profile.created_at,
    email_verified_at: profile.email_verified_at ?? null,
  };
}
