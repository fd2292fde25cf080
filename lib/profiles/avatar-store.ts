import { StorageClient } from '@supabase/storage-js';
import type { Sql } from '../db/client';
import type { ProcessedAvatar } from './avatar-image';

/**
 * Where avatar images live. By default in the database (profile_avatars.bytes, bytea), so
 * the embedded setup needs nothing else. With AVATAR_STORAGE=supabase (and SUPABASE_URL,
 * SUPABASE_SERVICE_ROLE_KEY) the image goes to the Supabase Storage bucket
 * AVATAR_STORAGE_BUCKET (default "avatars", private is fine) and only its path is kept.
 * Either way the image is served from our own origin (GET /api/avatars/{file}).
 */
export interface AvatarStorageConfig {
  backend: 'database' | 'supabase';
  supabaseUrl?: string;
  serviceRoleKey?: string;
  bucket: string;
}

export function avatarStorageConfig(env: Record<string, string | undefined> = process.env): AvatarStorageConfig {
  const bucket = env.AVATAR_STORAGE_BUCKET?.trim() || 'avatars';
  if (env.AVATAR_STORAGE !== 'supabase') return { backend: 'database', bucket };
  if (!env.SUPABASE_URL || !env.SUPABASE_SERVICE_ROLE_KEY) {
    throw new Error('AVATAR_STORAGE=supabase needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY.');
  }
  return { backend: 'supabase', supabaseUrl: env.SUPABASE_URL.replace(/\/+$/, ''), serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY, bucket };
}

function storageBucket(config: AvatarStorageConfig) {
  // The storage client alone (supabase-js' createClient would also open a realtime client).
  const client = new StorageClient(`${config.supabaseUrl}/storage/v1`, { apikey: config.serviceRoleKey!, Authorization: `Bearer ${config.serviceRoleKey}` });
  return client.from(config.bucket);
}

const objectPath = (sha256: string) => `avatars/${sha256}.png`;

export interface StoredAvatar {
  id: string;
  sha256: string;
}

/** Stores a processed avatar once (the same image uploaded twice is one row) and returns its row. */
export async function storeAvatar(sql: Sql, avatar: ProcessedAvatar, userId: string, config = avatarStorageConfig()): Promise<StoredAvatar> {
  let bytes: Buffer | null = avatar.png;
  let storagePath: string | null = null;
  if (config.backend === 'supabase') {
    storagePath = objectPath(avatar.sha256);
    const { error } = await storageBucket(config).upload(storagePath, avatar.png, { contentType: 'image/png', upsert: true, cacheControl: '31536000' });
    if (error) throw new Error(`Supabase Storage refused the avatar: ${error.message}`);
    bytes = null;
  }
  const [row] = await sql<StoredAvatar[]>`
    insert into profile_avatars (sha256, content_type, bytes, storage_path, width, height, byte_size, uploaded_by)
    values (${avatar.sha256}, 'image/png', ${bytes}, ${storagePath}, ${avatar.width}, ${avatar.height}, ${avatar.png.byteLength}, ${userId})
    on conflict (sha256) do update set sha256 = excluded.sha256
    returning id, sha256`;
  return row!;
}

/** The PNG bytes of a stored avatar. */
export async function loadAvatarBytes(row: { bytes: Buffer | null; storage_path: string | null }, config = avatarStorageConfig()): Promise<Buffer | null> {
  if (row.bytes) return row.bytes;
  if (!row.storage_path || config.backend !== 'supabase') return null;
  const { data, error } = await storageBucket(config).download(row.storage_path);
  if (error || !data) return null;
  return Buffer.from(await data.arrayBuffer());
}

/** Removes avatar objects from Supabase Storage (nothing to do for the database backend). */
export async function removeStoredAvatars(paths: string[], config = avatarStorageConfig()): Promise<void> {
  if (config.backend !== 'supabase' || paths.length === 0) return;
  const { error } = await storageBucket(config).remove(paths);
  if (error) throw new Error(error.message);
}
