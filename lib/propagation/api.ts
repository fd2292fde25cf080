/**
 * Bitnodes v1 data propagation: GET /api/v1/inv/ (recent hashes, newest first,
 * at most MAX_STORED_INVS) and GET /api/v1/inv/<hash>/ (lib/propagation/stats).
 * Arrivals of nodes that no longer exist or are hidden are left out; a node
 * recorded twice (two monitor runs) counts with its earliest arrival.
 */
import { bitnodesPage, type BitnodesPage } from '../api/bitnodes';
import { nodeAddress } from '../api/nodes';
import type { BitnodesListQuery } from '../api/schemas';
import type { Sql } from '../db/client';
import { propagationStats, type Arrival, type PropagationStats } from './stats';
import { MAX_STORED_INVS } from './store';

export interface InvListEntry {
  inv_hash: string;
}

export async function listInvs(sql: Sql, query: BitnodesListQuery, base: URL): Promise<BitnodesPage<InvListEntry>> {
  const offset = (query.page - 1) * query.limit;
  const [rows, [count]] = await Promise.all([
    offset >= MAX_STORED_INVS
      ? Promise.resolve([] as { inv_hash: string }[])
      : sql<{ inv_hash: string }[]>`
          select inv_hash from inv_propagation order by first_seen_at desc, inv_hash
          limit ${Math.min(query.limit, MAX_STORED_INVS - offset)} offset ${offset}`,
    sql<{ total: number }[]>`select least(count(*), ${MAX_STORED_INVS})::int as total from inv_propagation`,
  ]);
  return bitnodesPage(base, query, count?.total ?? 0, rows.map((row) => ({ inv_hash: row.inv_hash })));
}

export interface InvPropagation {
  inv_hash: string;
  stats: PropagationStats;
}

/** The arrivals of one hash (earliest per visible node), in time order. */
export async function invArrivals(sql: Sql, hash: string): Promise<{ kind: string; firstSeenAt: Date; arrivals: Arrival[] } | null> {
  const [head] = await sql<{ kind: string; first_seen_at: Date }[]>`select kind, first_seen_at from inv_propagation where inv_hash = ${hash}`;
  if (!head) return null;
  const rows = await sql<{ ip: string; port: number; ms: string }[]>`
    select n.ip, n.port, min(a.ms)::text as ms
    from inv_propagation p
    cross join lateral unnest(p.node_ids, p.announced_ms) as a(node_id, ms)
    join nodes n on n.id = a.node_id and not n.hidden
    where p.inv_hash = ${hash}
    group by n.id, n.ip, n.port
    order by min(a.ms), n.id
    limit 1000`;
  return { kind: head.kind, firstSeenAt: head.first_seen_at, arrivals: rows.map((row) => ({ node: nodeAddress(row), ms: Number(row.ms) })) };
}

export async function getInvPropagation(sql: Sql, hash: string): Promise<InvPropagation | null> {
  const found = await invArrivals(sql, hash);
  return found ? { inv_hash: hash, stats: propagationStats(found.arrivals) } : null;
}

export interface BlockSpread {
  hash: string;
  firstSeenAt: Date;
  nodes: number;
  /** Delays from the first announcement, ms, ascending. */
  delays: number[];
}

/** The newest `limit` blocks with their delays, for the dashboard. */
export async function latestBlockSpreads(sql: Sql, limit = 6): Promise<BlockSpread[]> {
  const rows = await sql<{ inv_hash: string; first_seen_at: Date; delays: string[] | null }[]>`
    select p.inv_hash, p.first_seen_at,
      (select array_agg(d.ms - first.ms order by d.ms)::text[]
         from (select min(a.ms) as ms from unnest(p.node_ids, p.announced_ms) as a(node_id, ms)
               join nodes n on n.id = a.node_id and not n.hidden group by a.node_id) d
         cross join (select min(ms) as ms from unnest(p.announced_ms) as ms) first) as delays
    from inv_propagation p
    where p.kind = 'block'
    order by p.first_seen_at desc, p.inv_hash
    limit ${limit}`;
  return rows.map((row) => {
    const delays = (row.delays ?? []).map(Number);
    const base = delays[0] ?? 0;
    return { hash: row.inv_hash, firstSeenAt: row.first_seen_at, nodes: delays.length, delays: delays.map((delay) => delay - base) };
  });
}
