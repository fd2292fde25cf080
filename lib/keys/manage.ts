import { API_SCOPES } from '../auth/api-keys';
import { z } from 'zod';
import type { Sql } from '../db/client';
import { conflict, HttpError, notFound } from '../http/http-error';
import { getSetting } from '../settings/app-settings';
import { generateApiKey } from './generate';
import { keyTicker } from './ticker';

/** Scopes a key can carry: the ones the public API enforces (lib/auth/api-keys). */
export const API_KEY_SCOPES = API_SCOPES;
export const MAX_RATE_LIMIT_PER_MINUTE = 600;

export const createKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z
      .array(z.enum(API_KEY_SCOPES))
      .min(1)
      .max(API_KEY_SCOPES.length)
      .refine((scopes) => new Set(scopes).size === scopes.length, 'scopes must not repeat')
      .default(['read:nodes', 'read:stats']),
    rate_limit_per_minute: z.number().int().min(1).max(MAX_RATE_LIMIT_PER_MINUTE).default(120),
    expires_in_days: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
export type CreateKeyInput = z.input<typeof createKeySchema>;

export interface ApiKeySummary {
  id: string;
  name: string;
  key_prefix: string;
  scopes: string[];
  rate_limit_per_minute: number;
  usage_count: string;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  active: boolean;
}

const SUMMARY = (sql: Sql) => sql`
  id, name, key_prefix, scopes, rate_limit_per_minute, usage_count::text as usage_count, created_at, last_used_at,
  expires_at, revoked_at, (revoked_at is null and (expires_at is null or expires_at > now())) as active`;

/** The user's keys, newest first, without secrets or hashes. */
export async function listApiKeys(sql: Sql, userId: string): Promise<ApiKeySummary[]> {
  return sql<ApiKeySummary[]>`select ${SUMMARY(sql)} from api_keys where user_id = ${userId} order by created_at desc, id`;
}

async function assertBelowMax(sql: Sql, userId: string): Promise<void> {
  const max = await getSetting(sql, 'keys.max_active_per_user');
  const [{ count } = { count: 0 }] = await sql<{ count: number }[]>`
    select count(*)::int as count from api_keys
    where user_id = ${userId} and revoked_at is null and (expires_at is null or expires_at > now())`;
  if (count >= max) throw conflict(`You already have ${count} active keys (the most allowed is ${max}); revoke one first.`);
}

/** Creates a key; the returned `key` is the only time the secret exists outside its hash. */
export async function createApiKey(
  sql: Sql,
  userId: string,
  input: CreateKeyInput,
  ticker = keyTicker(),
): Promise<{ key: string; api_key: ApiKeySummary }> {
  const parsed = createKeySchema.parse(input);
  return sql.begin(async (tx) => {
    // Serialise key creation per user so the maximum holds under concurrency.
    await tx`select id from profiles where id = ${userId} for update`;
    await assertBelowMax(tx as unknown as Sql, userId);
    const generated = generateApiKey(ticker);
    const expiresAt = parsed.expires_in_days ? new Date(Date.now() + parsed.expires_in_days * 86_400_000) : null;
    const [row] = await tx<ApiKeySummary[]>`
      insert into api_keys (user_id, name, key_prefix, key_hash, scopes, rate_limit_per_minute, expires_at)
      values (${userId}, ${parsed.name}, ${generated.prefix}, ${generated.hash}, ${parsed.scopes}, ${parsed.rate_limit_per_minute}, ${expiresAt})
      returning ${SUMMARY(tx as unknown as Sql)}`;
    return { key: generated.key, api_key: row! };
  });
}

/** Revokes one of the user's keys (404 for other users' keys); revoking twice is harmless. */
export async function revokeApiKey(sql: Sql, userId: string, keyId: string): Promise<ApiKeySummary> {
  const [row] = await sql<ApiKeySummary[]>`
    update api_keys set revoked_at = coalesce(revoked_at, now())
    where id = ${keyId} and user_id = ${userId}
    returning ${SUMMARY(sql)}`;
  if (!row) throw notFound('API key');
  return row;
}

/** Replaces an active key's secret: the old key is revoked, a new one gets the same name, scopes, limit and expiry. */
export async function rotateApiKey(
  sql: Sql,
  userId: string,
  keyId: string,
  ticker = keyTicker(),
): Promise<{ key: string; api_key: ApiKeySummary; replaced: string }> {
  return sql.begin(async (tx) => {
    const [old] = await tx<{ id: string; name: string; scopes: string[]; rate_limit_per_minute: number; expires_at: Date | null; active: boolean }[]>`
      select id, name, scopes, rate_limit_per_minute, expires_at,
        (revoked_at is null and (expires_at is null or expires_at > now())) as active
      from api_keys where id = ${keyId} and user_id = ${userId} for update`;
    if (!old) throw notFound('API key');
    if (!old.active) throw new HttpError(409, 'Conflict', 'Only an active key can be rotated; this one is revoked or expired.');
    await tx`update api_keys set revoked_at = now() where id = ${old.id}`;
    const generated = generateApiKey(ticker);
    const [row] = await tx<ApiKeySummary[]>`
      insert into api_keys (user_id, name, key_prefix, key_hash, scopes, rate_limit_per_minute, expires_at)
      values (${userId}, ${old.name}, ${generated.prefix}, ${generated.hash}, ${old.scopes}, ${old.rate_limit_per_minute}, ${old.expires_at})
      returning ${SUMMARY(tx as unknown as Sql)}`;
    return { key: generated.key, api_key: row!, replaced: old.id };
  });
}
