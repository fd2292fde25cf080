/**
 * The operator profile form's check in the browser: the same pure field checks the API
 * applies (lib/profiles/fields.ts), without zod. The API validates everything again.
 */
import { FIELD_CHECKS, PROFILE_TEXT_FIELDS, type ProfileText, type ProfileTextField } from '../profiles/fields';

export const AVATAR_UPLOAD_LIMIT_BYTES = 2 * 1024 * 1024;
export const AVATAR_ACCEPT = 'image/png,image/jpeg,image/webp,image/gif';

export type ProfileFormResult = { ok: true; data: ProfileText } | { ok: false; errors: { field: ProfileTextField; message: string }[] };

export function parseProfileForm(values: Partial<Record<ProfileTextField, unknown>>): ProfileFormResult {
  const data = {} as ProfileText;
  const errors: { field: ProfileTextField; message: string }[] = [];
  for (const field of PROFILE_TEXT_FIELDS) {
    const raw = values[field];
    const result = FIELD_CHECKS[field](typeof raw === 'string' ? raw : '');
    if (result.ok) data[field] = result.value;
    else errors.push({ field, message: result.message });
  }
  return errors.length ? { ok: false, errors } : { ok: true, data };
}

/** How a stored value shows in its input (a Discord invite as its link). */
export function profileInputValue(field: ProfileTextField, value: string | null | undefined): string {
  if (!value) return '';
  if (field === 'discord' && value.startsWith('invite:')) return `https://discord.gg/${value.slice('invite:'.length)}`;
  return value;
}
