import type { Sql } from '../db/client';

/**
 * Answers built from the newest snapshot change only when a new snapshot is taken
 * (or its stored answers are recomputed after a ban/hide change: its revision), so each
 * web process keeps them in memory, keyed by that snapshot (id, time and revision),
 * kept at most TTL_MS (history windows slide with the clock), at most MAX_ENTRIES.
 * Nothing is cached while the newest snapshot has no stored aggregates (answers are
 * then computed live from changing data).
 *
 * Which snapshot is the newest is asked of the database (one indexed row) at most
 * once per API_SNAPSHOT_PROBE_MS (default 1000 ms) per process, shared by every
 * request in that time, so a snapshot taken by the crawler (another process, another
 * machine) reaches every web process within that time; a snapshot taken in this
 * process (cron route, tests) is seen at once (forgetLatestSnapshot).
 */
const TTL_MS = 60_000;
const MAX_ENTRIES = 64;

export interface LatestSnapshot {
  id: string;
  takenAt: Date;
  /** The snapshot has the stored API aggregates (snapshots taken by lib/snapshots/take). */
  precomputed: boolean;
  /** Consensus height stored with it. */
  latestHeight: number | null;
  /** How often its stored answers were recomputed in place (ban/hide list changes: lib/snapshots/refresh). */
  revision: number;
}

export function snapshotProbeMs(env: Record<string, string | undefined> = process.env): number {
  const value = Number(env.API_SNAPSHOT_PROBE_MS);
  return Number.isFinite(value) && value >= 0 && value <= 60_000 && env.API_SNAPSHOT_PROBE_MS !== '' && env.API_SNAPSHOT_PROBE_MS !== undefined ? value : 1000;
}

interface CacheEntry {
  at: number;
  value: Promise<unknown>;
  snapshotKey: string;
}

interface ProcessState {
  entries: Map<string, CacheEntry>;
  probes: WeakMap<Sql, { at: number; value: Promise<LatestSnapshot | null> }>;
  generation: number;
}

const globalCache = globalThis as typeof globalThis & { __peerscopeSnapshotCache?: ProcessState };

function state(): ProcessState {
  globalCache.__peerscopeSnapshotCache ??= { entries: new Map(), probes: new WeakMap(), generation: 0 };
  return globalCache.__peerscopeSnapshotCache;
}

async function probe(sql: Sql): Promise<LatestSnapshot | null> {
  const [row] = await sql<{ id: string; taken_at: Date; precomputed: boolean; latest_height: number | null; revision: number }[]>`
    select id, taken_at, api_aggregates is not null as precomputed, latest_height, revision
    from network_snapshots order by taken_at desc, id desc limit 1`;
  return row
    ? { id: String(row.id), takenAt: row.taken_at, precomputed: row.precomputed, latestHeight: row.latest_height, revision: row.revision }
    : null;
}

/** The newest snapshot, as known to this process (at most API_SNAPSHOT_PROBE_MS old). */
export function latestSnapshot(sql: Sql, now = Date.now()): Promise<LatestSnapshot | null> {
  const probes = state().probes;
  const known = probes.get(sql);
  if (known && now - known.at < snapshotProbeMs() && now >= known.at) return known.value;
  const value = probe(sql);
  probes.set(sql, { at: now, value });
  value.catch(() => {
    if (probes.get(sql)?.value === value) probes.delete(sql);
  });
  return value;
}

/** A snapshot was just taken in this process: ask the database again on the next request. */
export function forgetLatestSnapshot(): void {
  state().probes = new WeakMap();
}

export interface CacheOptions {
  /** How long an answer is kept for the same snapshot (default 60 s; Infinity: until the next snapshot). */
  ttlMs?: number;
}

/**
 * `compute()` once per newest snapshot (and `ttlMs`) per process. Answers of older
 * snapshots are dropped as soon as a newer one is seen, so a big cached body (the
 * snapshot answer) never outlives its snapshot in memory.
 */
export async function cachedPerSnapshot<T>(sql: Sql, name: string, compute: (snapshot: LatestSnapshot | null) => Promise<T>, now = Date.now(), options: CacheOptions = {}): Promise<T> {
  const newest = await latestSnapshot(sql, now);
  if (!newest?.precomputed) return compute(newest);
  const snapshotKey = `${newest.id}|${newest.takenAt.getTime()}|${newest.revision}`;
  const key = `${name}|${snapshotKey}`;
  const entries = state().entries;
  const hit = entries.get(key);
  if (hit && now - hit.at < (options.ttlMs ?? TTL_MS) && now >= hit.at) return hit.value as Promise<T>;
  for (const [otherKey, entry] of entries) if (entry.snapshotKey !== snapshotKey) entries.delete(otherKey);
  const value = compute(newest);
  entries.delete(key);
  entries.set(key, { at: now, value, snapshotKey });
  value.catch(() => {
    if (entries.get(key)?.value === value) entries.delete(key);
  });
  for (const stale of entries.keys()) {
    if (entries.size <= MAX_ENTRIES) break;
    entries.delete(stale);
  }
  return value;
}

/** For tests and benchmarks: forget every cached answer and the newest snapshot. */
export function clearSnapshotCache(): void {
  state().entries.clear();
  forgetLatestSnapshot();
}
