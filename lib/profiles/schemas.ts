import { z } from 'zod';
import { FIELD_CHECKS, PROFILE_TEXT_FIELDS, type ProfileText } from './fields';

// Generous raw limits before the field checks (which count characters after trimming).
const raw = (max: number) => z.string().max(max).nullish();

/** PUT /api/my-nodes/{id}/profile: the whole text part of the profile; a missing, null or empty field is cleared. */
export const profileChangeSchema = z
  .object({
    displayName: raw(200),
    description: raw(2000),
    website: raw(400),
    x: raw(100),
    github: raw(100),
    discord: raw(200),
    telegram: raw(100),
    nostr: raw(200),
  })
  .strict()
  .transform((input, context): ProfileText => {
    const out = {} as ProfileText;
    for (const field of PROFILE_TEXT_FIELDS) {
      const result = FIELD_CHECKS[field](input[field] ?? '');
      if (result.ok) out[field] = result.value;
      else context.addIssue({ code: 'custom', path: [field], message: result.message });
    }
    return out;
  });

/** POST /api/my-nodes/{id}/profile/avatar: the image as base64 (or a data: URL; its declared type is ignored). */
export const avatarUploadSchema = z
  .object({ image: z.string().min(1).max(4 * 1024 * 1024) })
  .strict();

export const profilesListQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
