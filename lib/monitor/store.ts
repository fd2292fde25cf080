/**
 * Writes what the monitor sees in batches, every `flushMs`: events (one
 * insert, one NOTIFY), node state (one update from a JSON array), connection
 * spans, and open exceptions. Node state patches coalesce per node, so a node
 * pinged a hundred times between flushes is written once. A failed flush
 * keeps its batch and retries on the next tick; the buffers are bounded.
 */
import type { Sql } from '../db/client';
import { insertEvents } from '../events/record';
import type { NewNodeEvent } from '../events/types';
import type { MonitorSink, NodeStatePatch } from './monitor';

export interface MonitorStoreOptions {
  flushMs?: number;
  /** Called after a flush wrote events (alerts, metrics). Errors are logged, never thrown. */
  onFlushed?: (events: NewNodeEvent[]) => void | Promise<void>;
  log?: (message: string) => void;
  /** Most events kept while the database is away (oldest dropped first). */
  maxBufferedEvents?: number;
}

interface SpanOp {
  state: 'up' | 'down' | 'end';
  at: Date;
}

export class MonitorStore implements MonitorSink {
  private events: NewNodeEvent[] = [];
  private states = new Map<string, NodeStatePatch>();
  private spans = new Map<string, SpanOp[]>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private dropped = 0;
  private stopped = false;

  constructor(
    private readonly sql: Sql,
    private readonly options: MonitorStoreOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      // A flush that was running when stop() was called must not schedule another one.
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.flush().finally(tick), this.options.flushMs ?? 200);
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flushing;
    await this.flush();
  }

  event(event: NewNodeEvent): void {
    this.events.push(event);
    const max = this.options.maxBufferedEvents ?? 200_000;
    if (this.events.length > max) {
      this.dropped += this.events.length - max;
      this.events.splice(0, this.events.length - max);
    }
  }

  state(nodeId: string, patch: NodeStatePatch): void {
    this.states.set(nodeId, { ...this.states.get(nodeId), ...patch });
  }

  span(nodeId: string, state: 'up' | 'down' | 'end', at: Date): void {
    const ops = this.spans.get(nodeId);
    if (ops) ops.push({ state, at });
    else this.spans.set(nodeId, [{ state, at }]);
  }

  get pending(): number {
    return this.events.length + this.states.size + this.spans.size;
  }

  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.write().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.events.length === 0 && this.states.size === 0 && this.spans.size === 0) return;
    const events = this.events;
    const states = this.states;
    const spans = this.spans;
    this.events = [];
    this.states = new Map();
    this.spans = new Map();
    try {
      await this.sql.begin(async (tx) => {
        await writeStates(tx as unknown as Sql, states);
        await writeSpans(tx as unknown as Sql, spans);
        await writeExceptions(tx as unknown as Sql, events);
        await insertEvents(tx as unknown as Sql, events);
      });
    } catch (error) {
      // Put the batch back in front of what arrived meanwhile; the next tick retries.
      this.events = [...events, ...this.events];
      for (const [id, patch] of this.states) states.set(id, { ...states.get(id), ...patch });
      this.states = states;
      for (const [id, ops] of this.spans) spans.set(id, [...(spans.get(id) ?? []), ...ops]);
      this.spans = spans;
      this.options.log?.(`monitor: write failed, retrying: ${(error as Error).message}`);
      return;
    }
    if (this.dropped) {
      this.options.log?.(`monitor: ${this.dropped} events dropped while the database was away`);
      this.dropped = 0;
    }
    if (events.length && this.options.onFlushed) {
      try {
        await this.options.onFlushed(events);
      } catch (error) {
        this.options.log?.(`monitor: after-flush hook failed: ${(error as Error).message}`);
      }
    }
  }
}

async function writeStates(sql: Sql, states: Map<string, NodeStatePatch>): Promise<void> {
  if (states.size === 0) return;
  const rows = [...states].map(([id, patch]) => ({
    id,
    status: patch.status ?? null,
    has_since: patch.connectedSince !== undefined,
    connected_since: patch.connectedSince ? patch.connectedSince.toISOString() : null,
    has_latency: patch.latencyMs !== undefined,
    latency_ms: patch.latencyMs ?? null,
    height: patch.height ?? null,
    protocol_version: patch.protocolVersion ?? null,
    user_agent: patch.userAgent ?? null,
    services: patch.services !== undefined ? patch.services.toString() : null,
    mbps: patch.mbps ?? null,
  }));
  await sql`
    update nodes n set
      status = coalesce(p.status, n.status),
      -- A held connection is TCP; a lost one the monitor could not get back counts as down (the crawler refines it).
      tcp_connected = case when p.status is null then n.tcp_connected else p.status = 'up' end,
      connected_since = case when p.has_since then p.connected_since else n.connected_since end,
      monitor_latency_ms = case when p.has_latency then p.latency_ms else n.monitor_latency_ms end,
      latency_ms = case when p.has_latency then coalesce(p.latency_ms, n.latency_ms) else n.latency_ms end,
      height = coalesce(p.height, n.height),
      protocol_version = coalesce(p.protocol_version, n.protocol_version),
      user_agent = coalesce(p.user_agent, n.user_agent),
      services = coalesce(p.services::numeric, n.services),
      monitor_mbps = coalesce(p.mbps, n.monitor_mbps),
      last_seen = case when coalesce(p.status, n.status) = 'up' then now() else n.last_seen end,
      monitor_seen_at = now(),
      updated_at = now()
    from jsonb_to_recordset(${sql.json(rows as never)}::jsonb) as p(
      id bigint, status text, has_since boolean, connected_since timestamptz, has_latency boolean, latency_ms float8,
      height int, protocol_version int, user_agent text, services text, mbps float8)
    where n.id = p.id`;
}

async function writeSpans(sql: Sql, spans: Map<string, SpanOp[]>): Promise<void> {
  if (spans.size === 0) return;
  const closes: { node_id: string; at: string }[] = [];
  const inserts: { node_id: string; state: string; started_at: string; ended_at: string | null }[] = [];
  for (const [nodeId, ops] of spans) {
    closes.push({ node_id: nodeId, at: ops[0]!.at.toISOString() });
    ops.forEach((op, index) => {
      if (op.state === 'end') return;
      const next = ops[index + 1];
      inserts.push({ node_id: nodeId, state: op.state, started_at: op.at.toISOString(), ended_at: next ? next.at.toISOString() : null });
    });
  }
  await sql`
    update node_monitor_spans s set ended_at = greatest(s.started_at, c.at), touched_at = now()
    from jsonb_to_recordset(${sql.json(closes as never)}::jsonb) as c(node_id bigint, at timestamptz)
    where s.node_id = c.node_id and s.ended_at is null`;
  if (inserts.length) {
    await sql`
      insert into node_monitor_spans (node_id, state, started_at, ended_at)
      select i.node_id, i.state, i.started_at, case when i.ended_at is not null then greatest(i.started_at, i.ended_at) end
      from jsonb_to_recordset(${sql.json(inserts as never)}::jsonb) as i(node_id bigint, state text, started_at timestamptz, ended_at timestamptz)
      where exists (select 1 from nodes n where n.id = i.node_id)`;
  }
}

async function writeExceptions(sql: Sql, events: NewNodeEvent[]): Promise<void> {
  const changes = events.filter((event) => event.type === 'exception_raised' || event.type === 'exception_cleared');
  if (changes.length === 0) return;
  const rows = changes.map((event) => {
    const { kind, ...details } = event.details as { kind: string };
    return { node_id: event.nodeId, kind, raised: event.type === 'exception_raised', at: event.occurredAt.toISOString(), details };
  });
  // Applied in order: the last change of a (node, kind) wins.
  const last = new Map(rows.map((row) => [`${row.node_id}:${row.kind}`, row]));
  const final = [...last.values()];
  const raised = final.filter((row) => row.raised);
  const cleared = final.filter((row) => !row.raised);
  if (cleared.length) {
    await sql`
      delete from node_exceptions e using jsonb_to_recordset(${sql.json(cleared as never)}::jsonb) as c(node_id bigint, kind text)
      where e.node_id = c.node_id and e.kind = c.kind`;
  }
  if (raised.length) {
    await sql`
      insert into node_exceptions (node_id, kind, since, details)
      select r.node_id, r.kind, r.at, r.details
      from jsonb_to_recordset(${sql.json(raised as never)}::jsonb) as r(node_id bigint, kind text, at timestamptz, details jsonb)
      where exists (select 1 from nodes n where n.id = r.node_id)
      on conflict (node_id, kind) do update set details = excluded.details`;
  }
}

/** Keeps the open spans of held nodes alive (a crashed monitor's spans end at their last touch). */
export async function touchSpans(sql: Sql, nodeIds: string[]): Promise<void> {
  if (nodeIds.length === 0) return;
  await sql`
    update node_monitor_spans set touched_at = now()
    where ended_at is null and node_id = any(${nodeIds}::bigint[])`;
  await sql`update nodes set monitor_seen_at = now() where id = any(${nodeIds}::bigint[])`;
}

/** At start: spans a previous monitor of this shard left open end at their last touch. */
export async function closeStaleSpans(sql: Sql, shard: { index: number; count: number }): Promise<number> {
  const result = await sql`
    update node_monitor_spans set ended_at = greatest(started_at, touched_at)
    where ended_at is null and mod(node_id, ${shard.count}) = ${shard.index}`;
  return result.count;
}
