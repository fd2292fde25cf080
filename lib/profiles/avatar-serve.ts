import type { Sql } from '../db/client';
import { notFound } from '../http/http-error';
import { loadAvatarBytes } from './avatar-store';

const FILE = /^([0-9a-f]{64})\.png$/;

/** The sha256 named by an avatar file name ("<64 hex>.png"), or null. */
export function avatarFileHash(file: string): string | null {
  return FILE.exec(file)?.[1] ?? null;
}

interface AvatarRow {
  bytes: Buffer | null;
  storage_path: string | null;
  uploaded_by: string | null;
  live: boolean;
}

/**
 * The response for GET /api/avatars/{sha256}.png. An avatar on a visible node's approved
 * profile is public and cached for a year (its name is its hash, so it never changes);
 * one still waiting for (or refused by) moderation is shown only to its uploader and to
 * admins, never cached. Strict type, no sniffing, no scripts even if opened directly.
 */
export async function avatarResponse(sql: Sql, file: string, viewer: () => Promise<{ id: string; role: string } | null>): Promise<Response> {
  const sha256 = avatarFileHash(file);
  if (!sha256) throw notFound('Avatar');
  const [row] = await sql<AvatarRow[]>`
    select a.bytes, a.storage_path, a.uploaded_by,
      exists (select 1 from node_profiles p join nodes n on n.id = p.node_id where p.avatar_id = a.id and not n.hidden) as live
    from profile_avatars a where a.sha256 = ${sha256}`;
  if (!row) throw notFound('Avatar');
  if (!row.live) {
    const who = await viewer();
    if (!who || (who.role !== 'admin' && who.id !== row.uploaded_by)) throw notFound('Avatar');
  }
  const bytes = await loadAvatarBytes(row);
  if (!bytes) throw notFound('Avatar');
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': 'image/png',
      'Content-Length': String(bytes.byteLength),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Content-Disposition': `inline; filename="${sha256.slice(0, 16)}.png"`,
      'Cross-Origin-Resource-Policy': 'same-site',
      'Cache-Control': row.live ? 'public, max-age=31536000, immutable' : 'private, no-store',
      ETag: `"${sha256}"`,
    },
  });
}
