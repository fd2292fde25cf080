/**
 * Client-side checks for the admin settings forms. They mirror the API's own schema
 * (PUT /api/admin/settings) so that a mistake is explained before a request is made;
 * the API still has the final word. The register form's check is in ./register-form.
 */
import { z } from 'zod';
import { SETTING_SCHEMAS, type SettingKey, type Settings } from '../settings/app-settings';
import { checkSettingInput, type SettingField } from './setting-input';

export { parseRegisterForm, type RegisterField, type RegisterFormResult } from './register-form';

export type { SettingField } from './setting-input';

const SETTING_DESCRIPTIONS: Record<SettingKey, string> = {
  'verification.require_review': 'Successful verification checks wait for an admin instead of verifying at once.',
  'versions.client': 'Client whose versions are classed, as in the user agent (e.g. Satoshi; empty: the most common among up nodes).',
  'versions.current': 'Current release (e.g. 27.1; empty: the most common version of that client among up nodes).',
  'versions.minimum': 'Oldest version still up to date; older is outdated (empty: the current version).',
  'versions.critical': 'Versions below this are critical (empty: none).',
  'alerts.max_delivery_attempts': 'Failed alert deliveries are retried until this many attempts.',
  'alerts.max_per_user': 'Alert subscriptions a user may have.',
  'registration.max_per_hour': 'Node registrations (attempts) a user may make per hour.',
  'keys.max_active_per_user': 'Active API keys a user may have.',
};

export function settingField(key: SettingKey): SettingField {
  let schema: z.ZodType = SETTING_SCHEMAS[key];
  let nullable = false;
  if (schema instanceof z.ZodNullable) {
    nullable = true;
    schema = schema.unwrap() as z.ZodType;
  }
  const description = SETTING_DESCRIPTIONS[key];
  if (schema instanceof z.ZodBoolean) return { key, kind: 'boolean', nullable, description };
  if (schema instanceof z.ZodNumber) {
    const field: SettingField = { key, kind: 'number', nullable, description };
    if (Number.isFinite(schema.minValue)) field.min = schema.minValue!;
    if (Number.isFinite(schema.maxValue)) field.max = schema.maxValue!;
    return field;
  }
  return { key, kind: 'text', nullable, description };
}

/** Turns a form value (checkbox state or input text) into the setting's value, checked by its schema. */
export function parseSettingInput<K extends SettingKey>(key: K, raw: string | boolean): { ok: true; value: Settings[K] } | { ok: false; message: string } {
  const checked = checkSettingInput(settingField(key), raw);
  if (!checked.ok) return checked;
  const parsed = SETTING_SCHEMAS[key].safeParse(checked.value);
  if (!parsed.success) return { ok: false, message: `${key}: ${parsed.error.issues[0]!.message}` };
  return { ok: true, value: parsed.data as Settings[K] };
}
