import { API_SCOPES } from '../auth/api-keys';
import { z } from 'zod';
import type { Sql } from '../db/client';
import { conflict, HttpError, notFound } from '../http/http-error';
import { integerInput } from '../http/id-schemas';
import { withUserQuotaLock } from '../quotas/user-quota';
import { getSetting } from '../settings/app-settings';
import { generateApiKey } from './generate';
import { keyTicker } from './ticker';

/** Scopes a key can carry: the ones the public API enforces (lib/auth/api-keys). */
export const API_KEY_SCOPES = API_SCOPES;
/** rateLimit is requests per hour, as in AtlasP2P. */
export const RATE_LIMIT_PER_HOUR = { min: 10, max: 10_000, default: 1000 } as const;
export const KEY_WARNING = 'Store this key securely. It will not be shown again.';

/** POST /api/keys {name, description?, scopes?, rateLimit?, expiresAt?}. */
export const createKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(500).nullish(),
    scopes: z
      .array(z.enum(API_KEY_SCOPES))
      .min(1)
      .max(API_KEY_SCOPES.length)
      .refine((scopes) => new Set(scopes).size === scopes.length, 'scopes must not repeat')
      .default(['read:nodes', 'read:stats']),
    rateLimit: integerInput(z.number().int().min(RATE_LIMIT_PER_HOUR.min).max(RATE_LIMIT_PER_HOUR.max)).default(RATE_LIMIT_PER_HOUR.default),
    expiresAt: z.iso
      .datetime({ offset: true })
      .transform((value) => new Date(value))
      .refine((date) => date.getTime() > Date.now(), 'must be in the future')
      .nullish(),
  })
  .strict();
export type CreateKeyInput = z.input<typeof createKeySchema>;

/** An API key as the API shows it (camelCase, as in the spec); never the secret or its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  keyPrefix: string;
  description: string | null;
  scopes: string[];
  rateLimit: number;
  lastUsedAt: string | null;
  requestCount: number;
  isActive: boolean;
  expiresAt: string | null;
  createdAt: string;
  revokedAt: string | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  key_prefix: string;
  description: string | null;
  scopes: string[];
  rate_limit_per_hour: number;
  usage_count: string;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  active: boolean;
}

const COLUMNS = (sql: Sql) => sql`
  id, name, key_prefix, description, scopes, rate_limit_per_hour, usage_count::text as usage_count, created_at, last_used_at,
  expires_at, revoked_at, (revoked_at is null and (expires_at is null or expires_at > now())) as active`;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function presentApiKey(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    keyPrefix: row.key_prefix,
    description: row.description,
    scopes: row.scopes,
    rateLimit: row.rate_limit_per_hour,
    lastUsedAt: iso(row.last_used_at),
    requestCount: Number(row.usage_count),
    isActive: row.active,
    expiresAt: iso(row.expires_at),
    createdAt: row.created_at.toISOString(),
    revokedAt: iso(row.revoked_at),
  };
}

/** The user's keys, newest first, without secrets or hashes. */
export async function listApiKeys(sql: Sql, userId: string): Promise<ApiKeyView[]> {
  const rows = await sql<ApiKeyRow[]>`select ${COLUMNS(sql)} from api_keys where user_id = ${userId} order by created_at desc, id`;
  return rows.map(presentApiKey);
}

export interface CreatedApiKey {
  key: ApiKeyView;
  rawKey: string;
  warning: string;
}

/** Creates a key under the user's quota lock (keys.max_active_per_user); `rawKey` is the only time the secret exists outside its hash. */
export async function createApiKey(sql: Sql, userId: string, input: CreateKeyInput, ticker = keyTicker()): Promise<CreatedApiKey> {
  const parsed = createKeySchema.parse(input);
  return withUserQuotaLock(sql, userId, async (tx) => {
    const max = await getSetting(tx, 'keys.max_active_per_user');
    const [{ count } = { count: 0 }] = await tx<{ count: number }[]>`
      select count(*)::int as count from api_keys
      where user_id = ${userId} and revoked_at is null and (expires_at is null or expires_at > now())`;
    if (count >= max) throw conflict(`You already have ${count} active keys (the most allowed is ${max}); revoke one first.`);
    const generated = generateApiKey(ticker);
    const [row] = await tx<ApiKeyRow[]>`
      insert into api_keys (user_id, name, description, key_prefix, key_hash, scopes, rate_limit_per_hour, expires_at)
      values (${userId}, ${parsed.name}, ${parsed.description || null}, ${generated.prefix}, ${generated.hash}, ${parsed.scopes},
        ${parsed.rateLimit}, ${parsed.expiresAt ?? null})
      returning ${COLUMNS(tx)}`;
    return { key: presentApiKey(row!), rawKey: generated.key, warning: KEY_WARNING };
  });
}

/** Deletes one of the user's keys (404 for other users' keys): it stops working at once and leaves the list. */
export async function deleteApiKey(sql: Sql, userId: string, keyId: string): Promise<ApiKeyView> {
  const [row] = await sql<ApiKeyRow[]>`
    delete from api_keys where id = ${keyId} and user_id = ${userId}
    returning ${COLUMNS(sql)}`;
  if (!row) throw notFound('API key');
  return presentApiKey(row);
}

/** Replaces an active key: the old key is revoked, a new one gets the same name, description, scopes, limit and expiry. */
export async function rotateApiKey(
  sql: Sql,
  userId: string,
  keyId: string,
  ticker = keyTicker(),
): Promise<CreatedApiKey & { replacedKeyId: string }> {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [old] = await t<ApiKeyRow[]>`select ${COLUMNS(t)} from api_keys where id = ${keyId} and user_id = ${userId} for update`;
    if (!old) throw notFound('API key');
    if (!old.active) throw new HttpError(409, 'Conflict', 'Only an active key can be rotated; this one is revoked or expired.');
    await t`update api_keys set revoked_at = now() where id = ${old.id}`;
    const generated = generateApiKey(ticker);
    const [row] = await t<ApiKeyRow[]>`
      insert into api_keys (user_id, name, description, key_prefix, key_hash, scopes, rate_limit_per_hour, expires_at)
      values (${userId}, ${old.name}, ${old.description}, ${generated.prefix}, ${generated.hash}, ${old.scopes}, ${old.rate_limit_per_hour}, ${old.expires_at})
      returning ${COLUMNS(t)}`;
    return { key: presentApiKey(row!), rawKey: generated.key, warning: KEY_WARNING, replacedKeyId: old.id };
  }) as Promise<CreatedApiKey & { replacedKeyId: string }>;
}
