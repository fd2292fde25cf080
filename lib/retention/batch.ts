import type { Sql } from '../db/client';

/** Key of the advisory lock that keeps crawler shards from pruning at the same time. */
export const RETENTION_LOCK_KEY = 'peerscope:retention';

/** A short transaction's connection (postgres.js TransactionSql, used like Sql). */
export type BatchSql = Sql;

/**
 * Runs one pruning batch in its own short transaction, under a transaction-level
 * advisory lock (released at commit; safe behind a transaction pooler). Returns
 * null when another process holds the lock, i.e. another crawler shard is
 * pruning right now. lock_timeout keeps a batch from queueing behind writers.
 */
export async function retentionBatch<T>(sql: Sql, work: (tx: BatchSql) => Promise<T>): Promise<T | null> {
  return sql.begin(async (tx) => {
    const [row] = await tx<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(hashtext(${RETENTION_LOCK_KEY})) as locked`;
    if (!row?.locked) return null;
    await tx`set local lock_timeout = '5s'`;
    return work(tx as unknown as BatchSql);
  }) as Promise<T | null>;
}

/** When a pruning run has to stop: its time budget (the rest waits for the next pass). */
export class Budget {
  private readonly endsAt: number;
  constructor(ms: number, private readonly clock: () => number = Date.now) {
    this.endsAt = clock() + ms;
  }
  get exhausted(): boolean {
    return this.clock() >= this.endsAt;
  }
}

/** Where a ranged stage has got (retention_progress), or null before its first run. */
export async function readProgress(sql: Sql, stage: string): Promise<Date | null> {
  const [row] = await sql<{ done_until: Date }[]>`select done_until from retention_progress where stage = ${stage}`;
  return row?.done_until ?? null;
}

export async function writeProgress(sql: BatchSql, stage: string, doneUntil: Date): Promise<void> {
  await sql`
    insert into retention_progress (stage, done_until) values (${stage}, ${doneUntil})
    on conflict (stage) do update set done_until = greatest(retention_progress.done_until, excluded.done_until), updated_at = now()`;
}
