import { z } from 'zod';
import type { Sql } from '../db/client';

/** 1-4 numbers of at most 6 digits, as lib/versions/parse.ts reads them. */
const VERSION_PATTERN = /^[0-9]{1,6}(\.[0-9]{1,6}){0,3}$/;

/**
 * The app_settings keys an admin may read and change (GET/PUT /api/admin/settings),
 * each with its schema and default. Other rows of app_settings (such as the
 * generated local JWT secret) are internal and never exposed.
 */
export const SETTING_SCHEMAS = {
  /** Successful verification checks wait for an admin (needs_review) instead of verifying at once. */
  'verification.require_review': z.boolean(),
  /** Version classes (lib/versions/classes.ts): the client family judged; null: the most common among up nodes. */
  'versions.client': z.string().regex(/^[^:/()\u0000-\u001f\u007f]{1,64}$/, 'a client name as in the user agent, like Satoshi').nullable(),
  /** The current release; null: the most common version of the client among up nodes. */
  'versions.current': z.string().regex(VERSION_PATTERN, 'a version like 27.1').nullable(),
  /** The oldest version still up to date (older: outdated); null: the current version. */
  'versions.minimum': z.string().regex(VERSION_PATTERN, 'a version like 27.1').nullable(),
  /** Versions below this are critical; null: none. */
  'versions.critical': z.string().regex(VERSION_PATTERN, 'a version like 27.1').nullable(),
  /** Failed deliveries are retried on later runs until this many attempts. */
  'alerts.max_delivery_attempts': z.number().int().min(1).max(50),
  /** Alert subscriptions a user may have. */
  'alerts.max_per_user': z.number().int().min(1).max(1000),
  /** Node registrations (attempts) a user may make per hour. */
  'registration.max_per_hour': z.number().int().min(1).max(10_000),
  /** Active (not revoked, not expired) API keys a user may have. */
  'keys.max_active_per_user': z.number().int().min(1).max(1000),
} as const;

export type SettingKey = keyof typeof SETTING_SCHEMAS;
export type Settings = { [K in SettingKey]: z.infer<(typeof SETTING_SCHEMAS)[K]> };

export const SETTING_DEFAULTS: Settings = {
  'verification.require_review': false,
  'versions.client': null,
  'versions.current': null,
  'versions.minimum': null,
  'versions.critical': null,
  'alerts.max_delivery_attempts': 5,
  'alerts.max_per_user': 50,
  'registration.max_per_hour': 10,
  'keys.max_active_per_user': 10,
};

export const SETTING_KEYS = Object.keys(SETTING_SCHEMAS) as SettingKey[];

/** A partial update: known keys only, each validated. */
export const settingsPatchSchema = z
  .object(Object.fromEntries(SETTING_KEYS.map((key) => [key, SETTING_SCHEMAS[key].optional()])) as {
    [K in SettingKey]: z.ZodOptional<(typeof SETTING_SCHEMAS)[K]>;
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'at least one setting is required');

export type SettingsPatch = Partial<Settings>;

/** All known settings, stored values over defaults; a stored value that no longer validates falls back to the default. */
export async function getSettings(sql: Sql): Promise<Settings> {
  const rows = await sql<{ key: string; value: unknown }[]>`
    select key, value from app_settings where key = any(${SETTING_KEYS})`;
  const settings: Record<string, unknown> = { ...SETTING_DEFAULTS };
  for (const row of rows) {
    const schema = SETTING_SCHEMAS[row.key as SettingKey];
    const parsed = schema?.safeParse(row.value);
    if (parsed?.success) settings[row.key] = parsed.data;
  }
  return settings as Settings;
}

export async function getSetting<K extends SettingKey>(sql: Sql, key: K): Promise<Settings[K]> {
  const [row] = await sql<{ value: unknown }[]>`select value from app_settings where key = ${key}`;
  if (!row) return SETTING_DEFAULTS[key];
  const parsed = SETTING_SCHEMAS[key].safeParse(row.value);
  return parsed.success ? (parsed.data as Settings[K]) : SETTING_DEFAULTS[key];
}

/** Stores validated values; returns the full settings afterwards. */
export async function updateSettings(sql: Sql, patch: SettingsPatch, actorId: string | null): Promise<Settings> {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    await sql`
      insert into app_settings (key, value, updated_by, updated_at)
      values (${key}, ${JSON.stringify(value)}::text::jsonb, ${actorId}, now())
      on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = now()`;
  }
  return getSettings(sql);
}
