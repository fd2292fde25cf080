/**
 * Writes the recorder's arrivals every `flushMs` in one statement: one row per
 * inv hash (inv_propagation), arrivals appended to its arrays up to 1000
 * nodes. Monitor shards append to the same rows; the first 1000 appended are
 * kept. A failed write puts the batch back (bounded by the recorder) and the
 * next tick retries. Old hashes are pruned by `prunePropagation`.
 */
import type { Sql } from '../db/client';
import type { InvArrivals, PropagationRecorder } from './recorder';

export const MAX_NODES_PER_INV = 1000;
/** Bitnodes keeps up to 100,000 recent hashes. */
export const MAX_STORED_INVS = 100_000;

export async function writeArrivals(sql: Sql, batch: readonly InvArrivals[]): Promise<number> {
  if (batch.length === 0) return 0;
  const rows = batch.map((arrivals) => ({
    hash: arrivals.hash,
    kind: arrivals.kind,
    first_at: new Date(arrivals.firstSeenMs).toISOString(),
    node_ids: `{${arrivals.nodeIds.slice(0, MAX_NODES_PER_INV).join(',')}}`,
    announced_ms: `{${arrivals.announcedMs.slice(0, MAX_NODES_PER_INV).map(Math.round).join(',')}}`,
  }));
  const result = await sql`
    insert into inv_propagation as p (inv_hash, kind, first_seen_at, node_ids, announced_ms)
    select b.hash, b.kind, b.first_at, b.node_ids::bigint[], b.announced_ms::bigint[]
    from jsonb_to_recordset(${sql.json(rows as never)}::jsonb) as b(hash text, kind text, first_at timestamptz, node_ids text, announced_ms text)
    on conflict (inv_hash) do update set
      first_seen_at = least(p.first_seen_at, excluded.first_seen_at),
      node_ids = (p.node_ids || excluded.node_ids)[1:${MAX_NODES_PER_INV}],
      announced_ms = (p.announced_ms || excluded.announced_ms)[1:${MAX_NODES_PER_INV}],
      updated_at = now()
    where cardinality(p.node_ids) < ${MAX_NODES_PER_INV}`;
  return result.count;
}

/** Keeps the newest MAX_STORED_INVS hashes. */
export async function prunePropagation(sql: Sql, keep = MAX_STORED_INVS): Promise<number> {
  const result = await sql`
    delete from inv_propagation where inv_hash in (
      select inv_hash from inv_propagation order by first_seen_at desc, inv_hash offset ${keep})`;
  return result.count;
}

export interface PropagationStoreOptions {
  flushMs?: number;
  log?: (message: string) => void;
}

/** The recorder's periodic writer. */
export class PropagationStore {
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private failures = 0;

  constructor(
    private readonly sql: Sql,
    readonly recorder: PropagationRecorder,
    private readonly options: PropagationStoreOptions = {},
  ) {}

  start(): void {
    const tick = () => {
      this.timer = setTimeout(() => void this.flush().finally(tick), this.options.flushMs ?? 2000);
    };
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flushing;
    await this.flush();
  }

  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.write().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async write(): Promise<void> {
    const batch = this.recorder.drain();
    if (batch.length === 0) return;
    try {
      await writeArrivals(this.sql, batch);
      if (this.failures) this.options.log?.(`propagation: writes resumed after ${this.failures} failures`);
      this.failures = 0;
    } catch (error) {
      this.recorder.requeue(batch);
      this.failures += 1;
      if (this.failures === 1 || this.failures % 100 === 0) this.options.log?.(`propagation: write failed, retrying: ${(error as Error).message}`);
    }
  }
}
