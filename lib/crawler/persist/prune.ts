import type { Sql } from '../../db/client';
import { CHECK_RETENTION_MS } from '../measure/windows';

/** Rows deleted per statement, so pruning never holds long locks or builds a huge transaction. */
const PRUNE_BATCH = 50_000;

/** The default retention cutoff: nothing older is read by any measurement. */
export function retentionCutoff(now: Date): Date {
  return new Date(now.getTime() - CHECK_RETENTION_MS);
}

/** Deletes node_checks older than olderThan in batches; returns how many were deleted. */
export async function pruneChecks(sql: Sql, { olderThan }: { olderThan: Date }): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await sql`
      delete from node_checks
      where id in (select id from node_checks where checked_at < ${olderThan}::timestamptz limit ${PRUNE_BATCH}::int)`;
    total += deleted.count;
    if (deleted.count < PRUNE_BATCH) return total;
  }
}
