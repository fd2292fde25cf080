/**
 * The admin settings form's check in the browser, from a field description the
 * server reads off each setting's schema (settingField in ./forms). No zod here:
 * the API checks the value against the schema itself.
 */
import type { SettingKey } from '../settings/app-settings';

/** How a setting is edited, read from its schema. */
export interface SettingField {
  key: SettingKey;
  kind: 'number' | 'boolean' | 'text';
  /** Empty input means null ("not used"). */
  nullable: boolean;
  min?: number;
  max?: number;
  description: string;
}

/** Turns a form value (checkbox state or input text) into the setting's value: type, presence and range. */
export function checkSettingInput(field: SettingField, raw: string | boolean): { ok: true; value: unknown } | { ok: false; message: string } {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  const text = raw.trim();
  if (text === '') return field.nullable ? { ok: true, value: null } : { ok: false, message: `${field.key}: a value is required` };
  if (field.kind !== 'number') return { ok: true, value: text };
  if (!/^-?\d+$/.test(text)) return { ok: false, message: `${field.key}: enter a whole number` };
  const value = Number(text);
  if ((field.min !== undefined && value < field.min) || (field.max !== undefined && value > field.max)) {
    return { ok: false, message: `${field.key}: a whole number from ${field.min ?? '…'} to ${field.max ?? '…'}` };
  }
  return { ok: true, value };
}
