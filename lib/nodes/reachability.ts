import type { Sql } from '../db/client';

/**
 * A node's reachability (issue 17), the generated column nodes.reachability:
 * - up: the version/verack handshake completed (status 'up');
 * - reachable: TCP was accepted but the handshake never completed (a closed,
 *   silent, hostile or wrong-network peer; also one below the chain's minimum
 *   protocol version);
 * - down: TCP refused or timed out (or the monitor lost it);
 * - unknown: never probed.
 * `status` itself (up/down/unknown) keeps its meaning: only up is online, and
 * uptime scoring counts reachable as not up.
 */
export const REACHABILITY_STATES = ['up', 'reachable', 'down', 'unknown'] as const;
export type Reachability = (typeof REACHABILITY_STATES)[number];

/** The nodes in one state, as a condition on `nodes` (no alias), on the nodes_reachability_idx index. */
export function reachabilityCondition(sql: Sql, state: Reachability) {
  return sql`reachability = ${state}`;
}

/** Visible nodes per state, zeros included: one scan, at snapshot time (not per request). */
export async function countReachability(sql: Sql): Promise<Record<Reachability, number>> {
  const [row] = await sql<Record<Reachability, number>[]>`
    select count(*) filter (where reachability = 'up')::int as up,
           count(*) filter (where reachability = 'reachable')::int as reachable,
           count(*) filter (where reachability = 'down')::int as down,
           count(*) filter (where reachability = 'unknown')::int as unknown
    from nodes where not hidden`;
  return Object.fromEntries(REACHABILITY_STATES.map((state) => [state, row?.[state] ?? 0])) as Record<Reachability, number>;
}
