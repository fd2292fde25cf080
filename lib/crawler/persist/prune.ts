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

export interface NeverReachedRule {
  now: Date;
  /** Failed probes in a row (all of them, since it never answered). */
  attempts: number;
  /** Days since the address was first seen. */
  days: number;
}

/**
 * Deletes gossiped addresses that never completed a handshake after `attempts`
 * probes over at least `days` days, so the set of known addresses stays
 * bounded however much junk peers gossip. Registered, seeded and manual nodes,
 * and nodes anyone registered, subscribed to or verified, are kept. Returns how many were deleted.
 */
export async function pruneNeverReached(sql: Sql, rule: NeverReachedRule): Promise<number> {
  const firstSeenBefore = new Date(rule.now.getTime() - rule.days * 86_400_000);
  let total = 0;
  for (;;) {
    const deleted = await sql`
      delete from nodes
      where id in (
        select n.id from nodes n
        where n.last_seen is null
          and n.source = 'discovered'
          and n.consecutive_failures >= ${rule.attempts}::int
          and n.first_seen < ${firstSeenBefore}::timestamptz
          and not exists (select 1 from user_nodes u where u.node_id = n.id)
          and not exists (select 1 from alert_subscriptions a where a.node_id = n.id)
          and not exists (select 1 from verifications v where v.node_id = n.id)
        limit ${PRUNE_BATCH}::int)`;
    total += deleted.count;
    if (deleted.count < PRUNE_BATCH) return total;
  }
}
