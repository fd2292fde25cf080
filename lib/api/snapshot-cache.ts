import type { Sql } from '../db/client';

/**
 * Answers built from the aggregates of the newest snapshot change only when a new
 * snapshot is taken, so each process keeps them: keyed by that snapshot (id and
 * time), kept at most TTL_MS (history windows slide with the clock), at most
 * MAX_ENTRIES. Nothing is cached while the newest snapshot has no stored
 * aggregates (answers are then computed live from changing data).
 */
const TTL_MS = 60_000;
const MAX_ENTRIES = 64;

const globalCache = globalThis as typeof globalThis & { __peerscopeSnapshotCache?: Map<string, { at: number; value: Promise<unknown> }> };

function cache(): Map<string, { at: number; value: Promise<unknown> }> {
  globalCache.__peerscopeSnapshotCache ??= new Map();
  return globalCache.__peerscopeSnapshotCache;
}

export async function cachedPerSnapshot<T>(sql: Sql, name: string, compute: () => Promise<T>, now = Date.now()): Promise<T> {
  const [newest] = await sql<{ id: string; taken_at: Date; precomputed: boolean }[]>`
    select id, taken_at, api_aggregates is not null as precomputed
    from network_snapshots order by taken_at desc, id desc limit 1`;
  if (!newest?.precomputed) return compute();
  const key = `${name}|${newest.id}|${newest.taken_at.getTime()}`;
  const entries = cache();
  const hit = entries.get(key);
  if (hit && now - hit.at < TTL_MS) return hit.value as Promise<T>;
  const value = compute();
  entries.set(key, { at: now, value });
  value.catch(() => entries.delete(key));
  for (const stale of entries.keys()) {
    if (entries.size <= MAX_ENTRIES) break;
    entries.delete(stale);
  }
  return value;
}

/** For tests and benchmarks: forget every cached answer. */
export function clearSnapshotCache(): void {
  cache().clear();
}
