import type { Sql } from '../db/client';
import { AVATAR_MAX_BYTES, decodeImageField, processAvatar } from './avatar-image';
import { storeAvatar } from './avatar-store';
import { submitAvatar, type ProfileChange } from './service';

/** Largest JSON body of an avatar upload: the image in base64 plus a data: URL prefix. */
export const AVATAR_UPLOAD_MAX_BODY = Math.ceil((AVATAR_MAX_BYTES * 4) / 3) + 1024;

/** Decodes, checks, re-encodes and stores an uploaded avatar, then queues it for moderation. */
export async function uploadAvatar(sql: Sql, userId: string, nodeId: string, image: string): Promise<ProfileChange> {
  const processed = await processAvatar(decodeImageField(image));
  const stored = await storeAvatar(sql, processed, userId);
  return submitAvatar(sql, userId, nodeId, stored.id);
}
