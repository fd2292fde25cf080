import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Sql } from '../db/client';

/**
 * API key verification. Keys look like `{ticker}_sk_<random>` and are stored as the
 * sha256 hex of the whole key (api_keys.key_hash); the key itself is never stored.
 */

export const API_SCOPES = ['read:nodes', 'read:stats', 'read:leaderboard', 'read:profiles'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** `{ticker}_sk_<random>`: a lowercase ticker, then at least 16 url-safe characters. */
export const apiKeySchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9]{2,12}_sk_[A-Za-z0-9_-]{16,128}$/, 'must look like {ticker}_sk_<random>');

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export type ExtractedApiKey = { present: false } | { present: true; key: string } | { present: true; invalid: string };

/** Reads `Authorization: Bearer <key>` or `X-API-Key: <key>`; Authorization wins when both are sent. */
export function extractApiKey(headers: Headers): ExtractedApiKey {
  const authorization = headers.get('authorization');
  let raw: string | null = null;
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return { present: true, invalid: 'Authorization must be "Bearer <api key>"' };
    raw = match[1]!;
  } else {
    raw = headers.get('x-api-key');
  }
  if (raw === null) return { present: false };
  const parsed = apiKeySchema.safeParse(raw);
  if (!parsed.success) return { present: true, invalid: `API key ${parsed.error.issues[0]?.message ?? 'is malformed'}` };
  return { present: true, key: parsed.data };
}

export interface VerifiedApiKey {
  id: string;
  userId: string;
  scopes: ApiScope[];
  /** Requests per hour (api_keys.rate_limit_per_hour). */
  rateLimitPerHour: number;
}

export type ApiKeyVerification =
  | { ok: true; key: VerifiedApiKey }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'owner_banned' };

/** Looks a key up by its hash and checks it is usable now. One indexed query. */
export async function verifyApiKey(sql: Sql, key: string, now: Date = new Date()): Promise<ApiKeyVerification> {
  const [row] = await sql<
    {
      id: string;
      user_id: string;
      scopes: string[];
      rate_limit_per_hour: number;
      revoked_at: Date | null;
      expires_at: Date | null;
      banned_at: Date | null;
    }[]
  >`
    select k.id, k.user_id, k.scopes, k.rate_limit_per_hour, k.revoked_at, k.expires_at, p.banned_at
    from api_keys k join profiles p on p.id = k.user_id
    where k.key_hash = ${hashApiKey(key)}`;
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.revoked_at && row.revoked_at <= now) return { ok: false, reason: 'revoked' };
  if (row.expires_at && row.expires_at <= now) return { ok: false, reason: 'expired' };
  if (row.banned_at) return { ok: false, reason: 'owner_banned' };
  return {
    ok: true,
    key: {
      id: row.id,
      userId: row.user_id,
      scopes: row.scopes.filter((scope): scope is ApiScope => (API_SCOPES as readonly string[]).includes(scope)),
      rateLimitPerHour: row.rate_limit_per_hour,
    },
  };
}

export function hasScope(key: VerifiedApiKey, scope: ApiScope): boolean {
  return key.scopes.includes(scope);
}

export const API_KEY_REJECTIONS: Record<Exclude<ApiKeyVerification, { ok: true }>['reason'], string> = {
  unknown: 'The API key is not known',
  revoked: 'The API key has been revoked',
  expired: 'The API key has expired',
  owner_banned: "The API key's owner is suspended",
};

/**
 * Counts requests per key in memory and writes them in one statement per flush
 * (api_keys.usage_count/last_used_at and the per-day api_key_usage row), so the
 * response path never waits on a write.
 */
export class ApiKeyUsageRecorder {
  private pending = new Map<string, { count: number; lastUsed: Date; day: string }[]>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly getSql: () => Sql,
    private readonly flushAfterMs = 5000,
  ) {}

  record(keyId: string, at: Date = new Date()): void {
    this.add(keyId, at.toISOString().slice(0, 10), 1, at);
  }

  private add(keyId: string, day: string, count: number, at: Date): void {
    const entries = this.pending.get(keyId) ?? [];
    const entry = entries.find((candidate) => candidate.day === day);
    if (entry) {
      entry.count += count;
      if (at > entry.lastUsed) entry.lastUsed = at;
    } else {
      entries.push({ count, lastUsed: at, day });
    }
    this.pending.set(keyId, entries);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush().catch(() => {}), this.flushAfterMs);
      this.timer.unref();
    }
  }

  /** Writes everything counted so far. Failed writes are put back for the next flush. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const rows = [...batch].flatMap(([id, entries]) =>
      entries.map((entry) => ({ id, day: entry.day, count: entry.count, last_used: entry.lastUsed.toISOString() })),
    );
    try {
      const sql = this.getSql();
      await sql`
        with batch as (
          select * from jsonb_to_recordset(${sql.json(rows)}::jsonb)
            as b(id uuid, day date, count bigint, last_used timestamptz)
        ), totals as (
          update api_keys k
          set usage_count = k.usage_count + t.count,
              last_used_at = greatest(k.last_used_at, t.last_used)
          from (select id, sum(count) as count, max(last_used) as last_used from batch group by id) t
          where k.id = t.id
          returning k.id
        )
        insert into api_key_usage (api_key_id, day, requests)
        select b.id, b.day, b.count from batch b where b.id in (select id from totals)
        on conflict (api_key_id, day) do update set requests = api_key_usage.requests + excluded.requests`;
    } catch (error) {
      for (const [id, entries] of batch) {
        for (const entry of entries) this.add(id, entry.day, entry.count, entry.lastUsed);
      }
      throw error;
    }
  }
}
