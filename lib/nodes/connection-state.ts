import { unixSeconds } from '../api/format';
import { BACKOFF_AFTER_FAILURES, backoffDelayMs, DEFAULT_MIN_RECHECK_MS } from '../crawler/persist/due';
import type { Sql } from '../db/client';
import { probeFailureClass } from './check';

/**
 * A node's connection state as the crawler sees it (Tezos' point info): when it was last
 * dialed and last answered, how many dials in a row failed, when the crawler takes it
 * again (lib/crawler/persist/due.ts: a short recheck interval, then exponential backoff
 * after BACKOFF_AFTER_FAILURES failures) and the class of its last failure (never
 * peer-supplied text).
 */
export interface ConnectionState {
  /** unix seconds of the last probe (success or not) */
  last_attempt: number | null;
  /** unix seconds of the last completed handshake */
  last_success: number | null;
  consecutive_failures: number;
  /** true while failures hold the node back (BACKOFF_AFTER_FAILURES or more in a row) */
  backing_off: boolean;
  /** unix seconds from which the crawler's next pass dials it again (null: at the next pass) */
  next_retry: number | null;
  /** failure class of the last failed probe ("ECONNREFUSED", "timeout: connect", "protocol: bad magic", …) */
  last_error_class: string | null;
  /** unix seconds of that failure */
  last_error_at: number | null;
  /** unix seconds of the last admin retry (POST /api/admin/nodes/{id}/retry), while not yet served */
  retry_requested: number | null;
}

export interface ConnectionRow {
  last_checked: Date | null;
  last_seen: Date | null;
  consecutive_failures: number;
  retry_requested_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
}

/** The crawler's minimum time between two probes of a node for a crawl interval (as crawler/worker.ts). */
export function minRecheckMs(env: Record<string, string | undefined> = process.env): number {
  const seconds = Number(env.CRAWL_INTERVAL_SECONDS);
  const intervalMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 300_000;
  return Math.min(DEFAULT_MIN_RECHECK_MS, Math.floor(intervalMs / 2));
}

/** Pure: the state from the stored columns. */
export function connectionState(row: ConnectionRow, recheckMs: number = minRecheckMs()): ConnectionState {
  const retryPending = row.retry_requested_at !== null && (row.last_checked === null || row.retry_requested_at >= row.last_checked);
  let nextRetry: Date | null = null;
  if (row.last_checked && !retryPending) {
    nextRetry = new Date(row.last_checked.getTime() + Math.max(recheckMs, backoffDelayMs(row.consecutive_failures)));
  }
  return {
    last_attempt: unixSeconds(row.last_checked),
    last_success: unixSeconds(row.last_seen),
    consecutive_failures: row.consecutive_failures,
    backing_off: !retryPending && row.consecutive_failures >= BACKOFF_AFTER_FAILURES,
    next_retry: unixSeconds(nextRetry),
    last_error_class: row.last_error === null ? null : probeFailureClass(row.last_error),
    last_error_at: unixSeconds(row.last_error_at),
    retry_requested: retryPending ? unixSeconds(row.retry_requested_at) : null,
  };
}

/** Reads a node's connection state (null when there is no such node). */
export async function loadConnectionState(sql: Sql, nodeId: string): Promise<ConnectionState | null> {
  const [row] = await sql<ConnectionRow[]>`
    select n.last_checked, n.last_seen, n.consecutive_failures, n.retry_requested_at, f.error as last_error, f.checked_at as last_error_at
    from nodes n
    left join lateral (
      select coalesce(c.error, 'failed') as error, c.checked_at from node_checks c
      where c.node_id = n.id and c.status = 'down' order by c.checked_at desc limit 1
    ) f on true
    where n.id = ${nodeId}::bigint`;
  return row ? connectionState(row) : null;
}

/**
 * POST /api/admin/nodes/{id}/retry: clears the node's backoff (failures back to 0) and asks
 * the crawler to dial it at its next pass, whatever the recheck interval. 'unknown' when
 * there is no such node, 'banned' when a ban forbids dialing it (nothing changes then).
 */
export async function clearBackoff(sql: Sql, nodeId: string): Promise<{ id: string; ip: string; port: number } | 'unknown' | 'banned'> {
  const [node] = await sql<{ banned: boolean }[]>`select banned from nodes where id = ${nodeId}::bigint`;
  if (!node) return 'unknown';
  if (node.banned) return 'banned';
  const [row] = await sql<{ id: string; ip: string; port: number }[]>`
    update nodes set consecutive_failures = 0, retry_requested_at = now(), updated_at = now()
    where id = ${nodeId}::bigint and not banned
    returning id::text as id, ip, port`;
  return row ?? 'banned';
}
