import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * The subset of @upstash/redis that @upstash/ratelimit (single region, no
 * analytics, no deny lists, no dynamic limits) calls — `evalsha`, falling back to
 * `eval` on NOSCRIPT — plus `get`/`set` which its `Redis` type requires,
 * implemented over a plain TCP client (ioredis) for `redis://` servers.
 */
export interface UpstashLikeRedis {
  evalsha<TArgs extends unknown[], TData = unknown>(sha1: string, keys: string[], args: TArgs): Promise<TData>;
  eval<TArgs extends unknown[], TData = unknown>(script: string, keys: string[], args: TArgs): Promise<TData>;
  get<TData = string>(key: string): Promise<TData | null>;
  set(key: string, value: unknown): Promise<'OK' | null>;
}

// Script flags a stock Redis 7 accepts; Upstash adds others (allow-key-locking) that it rejects.
const STANDARD_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

/** Removes script-shebang flags that plain Redis does not know. */
export function portableScript(script: string): string {
  return script.replace(/^#!lua flags=([^\n]*)/, (_line, flags: string) => {
    const kept = flags
      .split(',')
      .map((flag) => flag.trim())
      .filter((flag) => STANDARD_FLAGS.has(flag));
    return kept.length ? `#!lua flags=${kept.join(',')}` : '#!lua';
  });
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

function argument(value: unknown): string | number {
  if (value === null || value === undefined) return '';
  return typeof value === 'number' ? value : String(value);
}

export function createIoredisAdapter(client: Redis): UpstashLikeRedis {
  // The library's sha of a script → the sha of the portable script we loaded.
  const loadedAs = new Map<string, string>();
  return {
    async evalsha(hash, keys, args) {
      const actual = loadedAs.get(hash) ?? hash;
      return (await client.evalsha(actual, keys.length, ...keys, ...args.map(argument))) as never;
    },
    async eval(script, keys, args) {
      const portable = portableScript(script);
      loadedAs.set(sha1(script), sha1(portable));
      return (await client.eval(portable, keys.length, ...keys, ...args.map(argument))) as never;
    },
    async get(key) {
      return (await client.get(key)) as never;
    },
    async set(key, value) {
      return client.set(key, typeof value === 'string' ? value : JSON.stringify(value));
    },
  };
}
