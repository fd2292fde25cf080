/**
 * One client's SSE stream: first what it missed since its cursor (read from
 * node_events by id), then live events from the process's EventBroker, with
 * heartbeat comments. Events are sent in id order without gaps or repeats.
 * A client that does not keep up (more than maxQueuedBytes unsent) is
 * disconnected and resumes with Last-Event-ID; so is every stream after
 * maxDurationMs (short-lived serverless functions).
 */
import type { Sql } from '../db/client';
import type { EventBroker } from './broker';
import { eventsAfter, matchesFilter } from './query';
import { sseComment, sseEvent, sseRetry } from './sse';
import type { EventType, NodeEventJson } from './types';

export interface EventStreamOptions {
  sql: Sql;
  broker: EventBroker;
  filter: { types?: EventType[]; nodeId?: string; since?: number };
  /** Resume after this id; null starts with the next new event. */
  after: number | null;
  heartbeatMs?: number;
  maxDurationMs?: number;
  maxQueuedBytes?: number;
  signal?: AbortSignal;
  onClose?: () => void;
}

const encoder = new TextEncoder();
const BACKFILL_BATCH = 500;
/** A resuming client gets at most this many missed events; older ones are in GET /api/events. */
const MAX_BACKFILL = 10_000;

export function openEventStream(options: EventStreamOptions): ReadableStream<Uint8Array> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxQueued = options.maxQueuedBytes ?? 1 << 20;
  let closed = false;
  let cleanup = () => {};

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let cursor = 0;
      let live: NodeEventJson[] | null = [];
      const close = () => {
        if (closed) return;
        closed = true;
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed
        }
        options.onClose?.();
      };
      const write = (text: string) => {
        if (closed) return;
        controller.enqueue(encoder.encode(text));
        if ((controller.desiredSize ?? 0) < -maxQueued) close();
      };
      const send = (events: NodeEventJson[]) => {
        for (const event of events) {
          if (Number(event.id) <= cursor) continue;
          cursor = Number(event.id);
          if (matchesFilter(event, options.filter)) write(sseEvent(event));
        }
      };
      const unsubscribe = options.broker.subscribe((events) => {
        if (live) live.push(...events);
        else send(events);
      });
      const heartbeat = setInterval(() => write(sseComment('heartbeat')), heartbeatMs);
      const deadline = options.maxDurationMs ? setTimeout(close, options.maxDurationMs) : null;
      const onAbort = () => close();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      cleanup = () => {
        unsubscribe();
        clearInterval(heartbeat);
        if (deadline) clearTimeout(deadline);
        options.signal?.removeEventListener('abort', onAbort);
      };
      if (options.signal?.aborted) return close();

      write(sseRetry(3000));
      write(sseComment('connected'));
      try {
        await options.broker.start();
        const head = options.broker.cursor;
        cursor = options.after ?? head;
        if (options.after !== null) {
          const dbFilter = { types: options.filter.types, since: options.filter.since, node: options.filter.nodeId ? { kind: 'id' as const, id: options.filter.nodeId } : undefined };
          if (head - cursor > MAX_BACKFILL) cursor = head - MAX_BACKFILL;
          while (!closed && cursor < head) {
            const missed = await eventsAfter(options.sql, cursor, dbFilter, BACKFILL_BATCH);
            if (missed.length === 0) break;
            for (const event of missed) if (Number(event.id) <= head) write(sseEvent(event));
            cursor = Math.min(head, Number(missed.at(-1)!.id));
            if (missed.length < BACKFILL_BATCH) break;
          }
          cursor = Math.max(cursor, head);
        }
        const pending = live ?? [];
        live = null;
        send(pending);
      } catch {
        write(sseComment('error: events unavailable, reconnect'));
        close();
      }
    },
    cancel() {
      if (closed) return;
      closed = true;
      cleanup();
      options.onClose?.();
    },
  });
}

/** Open streams per client address in this process. */
export class StreamLimiter {
  private readonly open = new Map<string, number>();
  constructor(readonly maxPerClient: number) {}

  acquire(client: string): (() => void) | null {
    const count = this.open.get(client) ?? 0;
    if (count >= this.maxPerClient) return null;
    this.open.set(client, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(client) ?? 1) - 1;
      if (left <= 0) this.open.delete(client);
      else this.open.set(client, left);
    };
  }

  count(client: string): number {
    return this.open.get(client) ?? 0;
  }
}
