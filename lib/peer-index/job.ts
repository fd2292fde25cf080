/**
 * Bitnodes' Peer Index, computed once a day from stored data (as Bitnodes'
 * leaderboard is): the 14 sub-indices of every reachable, visible node
 * (lib/api/bitnodes-indices), peer_index = their mean × 10, ranked by
 * peer_index (ties: lower node id first). The whole table is replaced in one
 * transaction under an advisory lock, so several crawlers never compute it
 * twice at once and readers always see one complete computation.
 */
import type { Sql } from '../db/client';
import { BITNODES_INDEX_KEYS, computeBitnodesIndexValues, peerIndex } from '../api/bitnodes-indices';

/** pg advisory lock key of the computation ("PIX" + 1). */
export const PEER_INDEX_LOCK = 0x50495801;
export const PEER_INDEX_MAX_AGE_MS = 24 * 3_600_000;
const CHUNK = 5000;

export interface PeerIndexRun {
  nodes: number;
  computedAt: Date;
  durationMs: number;
}

/** Computes and stores the Peer Index now; null when another process holds the lock. */
export async function computePeerIndex(sql: Sql, options: { defaultPort: number; now?: Date }): Promise<PeerIndexRun | null> {
  const now = options.now ?? new Date();
  const started = performance.now();
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [lock] = await t<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(${PEER_INDEX_LOCK}) as ok`;
    if (!lock?.ok) return null;
    const ids = (await t<{ id: string }[]>`select id::text as id from nodes where status = 'up' and not hidden`).map((row) => row.id);
    const values = await computeBitnodesIndexValues(t, ids, options.defaultPort, now);
    const ranked = [...values]
      .map(([id, indices]) => ({ id, indices, pix: peerIndex(indices) }))
      .sort((a, b) => b.pix - a.pix || Number(a.id) - Number(b.id));
    await t`delete from bitnodes_peer_index`;
    for (let offset = 0; offset < ranked.length; offset += CHUNK) {
      const rows = ranked.slice(offset, offset + CHUNK).map((entry, index) => ({
        node_id: entry.id,
        ...Object.fromEntries(BITNODES_INDEX_KEYS.map((key) => [key, entry.indices[key]])),
        peer_index: entry.pix,
        rank: offset + index + 1,
      }));
      await t`
        insert into bitnodes_peer_index (node_id, vi, si, hi, ai, pi, dli, dui, wli, wui, mli, mui, nsi, ni, bi, peer_index, rank, computed_at)
        select r.node_id, r.vi, r.si, r.hi, r.ai, r.pi, r.dli, r.dui, r.wli, r.wui, r.mli, r.mui, r.nsi, r.ni, r.bi, r.peer_index, r.rank, ${now}
        from jsonb_to_recordset(${t.json(rows as never)}::jsonb) as r(node_id bigint, vi float8, si float8, hi float8, ai float8, pi float8,
          dli float8, dui float8, wli float8, wui float8, mli float8, mui float8, nsi float8, ni float8, bi float8, peer_index float8, rank int)`;
    }
    const durationMs = Math.round(performance.now() - started);
    await t`insert into bitnodes_peer_index_runs (computed_at, nodes, duration_ms) values (${now}, ${ranked.length}, ${durationMs})`;
    return { nodes: ranked.length, computedAt: now, durationMs };
  }) as Promise<PeerIndexRun | null>;
}

/** When the stored Peer Index was computed; null before the first computation. */
export async function lastPeerIndexRun(sql: Sql): Promise<Date | null> {
  const [row] = await sql<{ at: Date | null }[]>`select max(computed_at) as at from bitnodes_peer_index_runs`;
  return row?.at ?? null;
}

/** Run by the crawler after a pass: computes when the last computation is older than a day. */
export async function computePeerIndexIfDue(sql: Sql, options: { defaultPort: number; now?: Date; maxAgeMs?: number }): Promise<PeerIndexRun | null> {
  const now = options.now ?? new Date();
  const last = await lastPeerIndexRun(sql);
  if (last && now.getTime() - last.getTime() < (options.maxAgeMs ?? PEER_INDEX_MAX_AGE_MS)) return null;
  return computePeerIndex(sql, { defaultPort: options.defaultPort, now });
}
