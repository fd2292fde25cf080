/**
 * Fan-out of new events inside one web process. The source of truth is the
 * node_events table, read by id: a poller fetches everything after the last
 * id it saw, and Postgres LISTEN/NOTIFY (the insert trigger sends the newest
 * id) wakes it at once. Where LISTEN does not work (the Supabase transaction
 * pooler, short-lived functions) the poll alone still delivers every event,
 * a poll interval later. Subscribers get every event in id order.
 */
import type { Sql } from '../db/client';
import { eventsAfter, latestEventId } from './query';
import { EVENTS_CHANNEL, type NodeEventJson } from './types';

export interface EventBrokerOptions {
  /** Poll interval (also the fallback latency without LISTEN). Default EVENTS_POLL_MS or 1000. */
  pollMs?: number;
  /** Use LISTEN/NOTIFY to wake the poller. Default: yes (the poll by id carries events where notifications never arrive). */
  listen?: boolean;
  batch?: number;
  /** How long a gap in event ids is waited for. Default 1000. */
  gapWaitMs?: number;
}

export type EventListener = (events: NodeEventJson[]) => void;

export class EventBroker {
  private readonly listeners = new Set<EventListener>();
  private lastId = 0;
  private started: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private again = false;
  private unlisten: (() => Promise<void>) | null = null;
  private stopped = false;
  private gapSince: number | null = null;
  readonly pollMs: number;
  listening = false;

  constructor(
    private readonly sql: Sql,
    private readonly options: EventBrokerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? (Number(process.env.EVENTS_POLL_MS) || 1000);
  }

  /** The newest id delivered so far (streams without Last-Event-ID start here). */
  get cursor(): number {
    return this.lastId;
  }

  start(): Promise<void> {
    this.started ??= this.init();
    return this.started;
  }

  private async init(): Promise<void> {
    this.lastId = await latestEventId(this.sql);
    // Behind a transaction pooler notifications may never arrive: the poll by id carries events then.
    const listen = this.options.listen ?? true;
    if (listen) {
      try {
        const subscription = await this.sql.listen(EVENTS_CHANNEL, () => this.poke());
        this.unlisten = () => subscription.unlisten();
        this.listening = true;
      } catch {
        this.listening = false; // the poll alone carries events
      }
    }
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.poke();
        loop();
      }, this.pollMs);
      this.timer.unref?.();
    };
    loop();
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Reads what is new now (coalescing concurrent wake-ups). */
  poke(): Promise<void> {
    if (this.polling) {
      this.again = true;
      return this.polling;
    }
    this.polling = this.drain().finally(() => {
      this.polling = null;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.poke();
      }
    });
    return this.polling;
  }

  /**
   * Ids are taken when a transaction inserts, not when it commits, so a later id can become
   * visible first. A gap in the ids is waited for (up to gapWaitMs: it may also be a rollback,
   * which never fills) before events past it are delivered, so no committed event is skipped.
   */
  private async drain(): Promise<void> {
    const batch = this.options.batch ?? 500;
    const gapWaitMs = this.options.gapWaitMs ?? 1000;
    try {
      for (;;) {
        let events = await eventsAfter(this.sql, this.lastId, {}, batch);
        if (events.length === 0) return;
        let contiguous = 0;
        while (contiguous < events.length && Number(events[contiguous]!.id) === this.lastId + contiguous + 1) contiguous += 1;
        if (contiguous < events.length) {
          const now = Date.now();
          this.gapSince ??= now;
          if (now - this.gapSince < gapWaitMs) {
            events = events.slice(0, contiguous);
            const retry = setTimeout(() => void this.poke(), Math.min(100, gapWaitMs));
            retry.unref?.();
          } else this.gapSince = null;
        } else this.gapSince = null;
        if (events.length === 0) return;
        this.lastId = Number(events.at(-1)!.id);
        for (const listener of this.listeners) {
          try {
            listener(events);
          } catch {
            // one broken subscriber must not starve the others
          }
        }
        if (events.length < batch || this.gapSince !== null) return;
      }
    } catch {
      // database hiccup: the next poll retries from the same id
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.unlisten?.().catch(() => undefined);
    this.listeners.clear();
  }
}

const globalForBroker = globalThis as typeof globalThis & { __peerscopeEventBroker?: EventBroker };

/** The process-wide broker on the process-wide pool. */
export function getEventBroker(sql: Sql): EventBroker {
  globalForBroker.__peerscopeEventBroker ??= new EventBroker(sql);
  return globalForBroker.__peerscopeEventBroker;
}

/** Stops and forgets the process-wide broker (tests that switch databases). */
export async function resetEventBroker(): Promise<void> {
  const broker = globalForBroker.__peerscopeEventBroker;
  globalForBroker.__peerscopeEventBroker = undefined;
  await broker?.stop();
}
