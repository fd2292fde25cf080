/**
 * Reverse DNS (PTR) names of reachable nodes, as Bitnodes shows them: each
 * lookup has a timeout, answers (and failures) are cached for a day, at most
 * `concurrency` lookups run at once and the queue is bounded. The lookup
 * function is injected: the worker passes node:dns's reverse, tests a fake
 * (nothing outside loopback is ever resolved in tests), the simulator none.
 */
import * as dns from 'node:dns/promises';

export type ReverseLookup = (ip: string) => Promise<string[]>;

export const systemReverseLookup: ReverseLookup = (ip) => dns.reverse(ip);

export interface ReverseDnsOptions {
  lookup: ReverseLookup;
  timeoutMs: number;
  concurrency: number;
  cacheMs?: number;
  /** Cached answers and queued lookups kept at most (oldest forgotten first). */
  maxEntries?: number;
}

const DAY_MS = 86_400_000;
/** The longest host name DNS allows; anything else in a PTR answer is dropped. */
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export class ReverseDns {
  private readonly cache = new Map<string, { hostname: string | null; at: number }>();
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: ReverseDnsOptions) {}

  /** The cached name of an IP (null: looked up, none), or undefined when not looked up within the cache time. */
  cached(ip: string, now = Date.now()): string | null | undefined {
    const entry = this.cache.get(ip);
    if (!entry || now - entry.at > (this.options.cacheMs ?? DAY_MS)) return undefined;
    return entry.hostname;
  }

  /** Queues a lookup unless the answer is cached or already queued. */
  request(ip: string): void {
    if (this.cached(ip) !== undefined || this.queued.has(ip)) return;
    if (this.queued.size >= (this.options.maxEntries ?? 1_000_000)) return;
    this.queued.add(ip);
    this.queue.push(ip);
    this.pump();
  }

  /** Resolves when every queued lookup is done, or after maxWaitMs (lookups still running go on and land in the cache). */
  settled(maxWaitMs: number): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, maxWaitMs);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.push(done);
    });
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      const ip = this.queue.shift()!;
      this.running += 1;
      void this.resolveOne(ip).finally(() => {
        this.running -= 1;
        this.queued.delete(ip);
        this.pump();
        if (this.running === 0 && this.queue.length === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          waiters.forEach((wake) => wake());
        }
      });
    }
  }

  private async resolveOne(ip: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string[]>((resolve) => {
      timer = setTimeout(() => resolve([]), this.options.timeoutMs);
    });
    let hostname: string | null = null;
    try {
      const names = await Promise.race([this.options.lookup(ip), timeout]);
      hostname = names.find((name) => HOSTNAME.test(name))?.replace(/\.$/, '').toLowerCase() ?? null;
    } catch {
      hostname = null;
    } finally {
      clearTimeout(timer);
    }
    this.cache.delete(ip);
    this.cache.set(ip, { hostname, at: Date.now() });
    if (this.cache.size > (this.options.maxEntries ?? 1_000_000)) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
