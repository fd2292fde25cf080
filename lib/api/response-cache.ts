import type { PreparedJson } from './etag';

/**
 * A short per-process cache of serialised answers whose data changes live (nodes.json):
 * the same query within API_RESPONSE_CACHE_MS gets the same bytes (and their
 * compressed forms, made once), so a burst of requests for the first pages costs one
 * query. The answers already say `Cache-Control: public, s-maxage=60`, so being this
 * much older is within what they promise. Default: 1000 ms in production, 0 (off)
 * otherwise (tests read their own writes at once). Bounded in entries and bytes.
 */
const MAX_ENTRIES = 256;
const MAX_BYTES = 32 * 1024 * 1024;

export function responseCacheMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.API_RESPONSE_CACHE_MS;
  const value = Number(raw);
  if (raw !== undefined && raw.trim() !== '' && Number.isFinite(value) && value >= 0 && value <= 60_000) return value;
  return env.NODE_ENV === 'production' ? 1000 : 0;
}

interface Entry {
  at: number;
  value: Promise<PreparedJson>;
  bytes: number;
}

const globalCache = globalThis as typeof globalThis & { __peerscopeResponseCache?: Map<string, Entry> };

function entries(): Map<string, Entry> {
  globalCache.__peerscopeResponseCache ??= new Map();
  return globalCache.__peerscopeResponseCache;
}

/** `compute()` at most once per `key` and API_RESPONSE_CACHE_MS in this process (concurrent callers share it). */
export async function cachedResponse(key: string, compute: () => Promise<PreparedJson>, now = Date.now()): Promise<PreparedJson> {
  const ttl = responseCacheMs();
  if (ttl <= 0) return compute();
  const cache = entries();
  const hit = cache.get(key);
  if (hit && now - hit.at < ttl && now >= hit.at) return hit.value;
  let bytes = 0;
  for (const [otherKey, entry] of cache) {
    if (now - entry.at >= ttl || now < entry.at) cache.delete(otherKey);
    else bytes += entry.bytes;
  }
  const entry: Entry = { at: now, value: compute(), bytes: 0 };
  cache.delete(key);
  cache.set(key, entry);
  entry.value.then(
    (prepared) => {
      entry.bytes = prepared.byteLength;
    },
    () => {
      if (cache.get(key) === entry) cache.delete(key);
    },
  );
  for (const [oldest, old] of cache) {
    if (cache.size <= MAX_ENTRIES && bytes <= MAX_BYTES) break;
    if (old === entry) break;
    cache.delete(oldest);
    bytes -= old.bytes;
  }
  return entry.value;
}

/** For tests and benchmarks. */
export function clearResponseCache(): void {
  entries().clear();
}
