/** What the event routes do, between parsing and responding (the routes stay thin). */
import { notFound } from '../api/route';
import type { NodeRef } from '../api/node-ref';
import type { Sql } from '../db/client';
import { jsonError } from '../http/responses';
import { getEventBroker } from './broker';
import { eventsAfter, listEvents } from './query';
import { parseLastEventId, type EventsQuery, type EventStreamQuery } from './schemas';
import { openEventStream, StreamLimiter } from './stream';

/** GET /api/events: newest first (`before` pages back), or oldest first after an id (`after`). */
export async function getEvents(sql: Sql, query: EventsQuery) {
  const filter = { types: query.type, node: query.node, since: query.since };
  if (query.after !== undefined) {
    const events = await eventsAfter(sql, query.after, filter, query.limit);
    return { events, next_before: null, next_after: events.at(-1)?.id ?? String(query.after) };
  }
  return listEvents(sql, { ...filter, limit: query.limit, before: query.before });
}

async function resolveNodeId(sql: Sql, ref: NodeRef): Promise<string | null> {
  const rows =
    ref.kind === 'id'
      ? await sql<{ id: string }[]>`select id from nodes where id = ${ref.id}`
      : await sql<{ id: string }[]>`select id from nodes where ip = ${ref.ip} and port = ${ref.port}`;
  return rows[0] ? String(rows[0].id) : null;
}

const globalForStreams = globalThis as typeof globalThis & { __peerscopeStreamLimiter?: StreamLimiter };

function streamLimiter(): StreamLimiter {
  globalForStreams.__peerscopeStreamLimiter ??= new StreamLimiter(Number(process.env.EVENTS_STREAM_MAX_PER_CLIENT) || 5);
  return globalForStreams.__peerscopeStreamLimiter;
}

/** GET /api/events/stream: an SSE response, or a JSON error (404 unknown node, 429 too many open streams). */
export async function openEventStreamResponse(sql: Sql, query: EventStreamQuery, request: Request, client: string): Promise<Response> {
  let nodeId: string | undefined;
  if (query.node) {
    nodeId = (await resolveNodeId(sql, query.node)) ?? undefined;
    if (!nodeId) return notFound('No such node');
  }
  const limiter = streamLimiter();
  const release = limiter.acquire(client);
  if (!release) {
    return jsonError(429, 'Too many open streams', `At most ${limiter.maxPerClient} event streams may be open per client address`, { 'Retry-After': '30' });
  }
  const after = parseLastEventId(request.headers.get('last-event-id')) ?? query.after ?? null;
  const maxSeconds = Number(process.env.EVENTS_STREAM_MAX_SECONDS) || 0;
  const stream = openEventStream({
    sql,
    broker: getEventBroker(sql),
    filter: { types: query.type, nodeId, since: query.since },
    after,
    heartbeatMs: Number(process.env.EVENTS_HEARTBEAT_SECONDS) * 1000 || 15_000,
    maxDurationMs: maxSeconds > 0 ? maxSeconds * 1000 : undefined,
    signal: request.signal,
    onClose: release,
  });
  return new Response(stream, {
    status: 200,
    headers: { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' },
  });
}
