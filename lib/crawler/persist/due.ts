import type { Sql } from '../../db/client';
import { pgArray } from '../sql-array';
import type { AddressNetwork, PeerAddress } from '../types';

/**
 * Backoff for nodes that keep failing. A node with fewer than
 * BACKOFF_AFTER_FAILURES failures in a row is due like any other; after that
 * it is due again only when its last probe is older than
 *   min(BACKOFF_BASE_MS × 2^(failures − BACKOFF_AFTER_FAILURES), BACKOFF_MAX_MS)
 * i.e. 15 min, 30 min, 1 h, 2 h, 4 h, then every 6 h for good. Dead addresses
 * thus cost a few probes a day, and a node that comes back is noticed within
 * 6 h. BACKOFF_MAX_MS stays below the uptime gap cap (lib/crawler/measure) so
 * the downtime of a backed-off node is fully counted.
 */
export const BACKOFF_AFTER_FAILURES = 3;
export const BACKOFF_BASE_MS = 15 * 60_000;
export const BACKOFF_MAX_MS = 6 * 3_600_000;
/** A node is not probed again sooner than this after its last probe (unless minRecheckMs says otherwise). */
export const DEFAULT_MIN_RECHECK_MS = 5 * 60_000;

/** The wait before a node with this many failures in a row is due again (0: no backoff). */
export function backoffDelayMs(consecutiveFailures: number): number {
  if (consecutiveFailures < BACKOFF_AFTER_FAILURES) return 0;
  const doublings = Math.min(consecutiveFailures - BACKOFF_AFTER_FAILURES, 30);
  return Math.min(BACKOFF_BASE_MS * 2 ** doublings, BACKOFF_MAX_MS);
}

export interface DueNode {
  id: string;
  address: PeerAddress;
  lastChecked: Date | null;
  consecutiveFailures: number;
}

export interface DueOptions {
  limit: number;
  now: Date;
  /** Minimum time between two probes of a node; DEFAULT_MIN_RECHECK_MS when omitted. */
  minRecheckMs?: number;
  /** Only these address networks (e.g. leave out onion without a Tor proxy). */
  networks?: readonly AddressNetwork[];
}

/**
 * The crawler's work list: known nodes, never-probed ones first, then the
 * longest unprobed, skipping nodes probed within minRecheckMs and failing
 * nodes still inside their backoff (see backoffDelayMs).
 */
export async function nodesDueForProbe(sql: Sql, options: DueOptions): Promise<DueNode[]> {
  const { limit, now, minRecheckMs = DEFAULT_MIN_RECHECK_MS, networks } = options;
  const recheckBefore = new Date(now.getTime() - minRecheckMs);
  const rows = await sql<
    { id: string; ip: string; port: number; network: AddressNetwork; last_checked: Date | null; consecutive_failures: number }[]
  >`
    select id, ip, port, network, last_checked, consecutive_failures
    from nodes
    where not banned
      and (last_checked is null or retry_requested_at >= last_checked or (
            last_checked <= ${recheckBefore}::timestamptz
            and (consecutive_failures < ${BACKOFF_AFTER_FAILURES}::int
                 or last_checked <= ${now}::timestamptz - make_interval(secs => least(
                      ${BACKOFF_BASE_MS / 1000}::float8 * power(2::float8, least(consecutive_failures - ${BACKOFF_AFTER_FAILURES}::int, 30)),
                      ${BACKOFF_MAX_MS / 1000}::float8)))))
      and (${networks === undefined}::boolean or network = any(${pgArray(networks ?? [])}::text[]))
    order by last_checked asc nulls first, id asc
    limit ${limit}::int`;
  return rows.map((row) => ({
    id: String(row.id),
    address: { host: row.ip, port: row.port, network: row.network },
    lastChecked: row.last_checked,
    consecutiveFailures: row.consecutive_failures,
  }));
}
