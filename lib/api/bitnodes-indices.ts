import type { Sql } from '../db/client';
import { pgArray } from '../crawler/sql-array';

/**
 * Bitnodes' leaderboard indices (bitnodes-api-v1.md, "PIX (leaderboard page)"), each
 * 0–1, printed as strings with 4 decimals as Bitnodes does. Pure functions here; the
 * inputs come from one query (computeBitnodesIndexValues). NSI, NI and BI are not
 * defined in Bitnodes' published material; Peerscope's definitions are in
 * docs/scoring.md ("Bitnodes Peer Index"): NSI from the monitor's receive rate, NI
 * from the rarity of the node's network (IPv4/IPv6/onion/…), BI from how early it
 * announces new blocks (lib/propagation). peer_index = mean of the 14 × 10.
 */
export const BITNODES_INDEX_KEYS = ['vi', 'si', 'hi', 'ai', 'pi', 'dli', 'dui', 'wli', 'wui', 'mli', 'mui', 'nsi', 'ni', 'bi'] as const;
export type BitnodesIndexKey = (typeof BITNODES_INDEX_KEYS)[number];
export type BitnodesIndices = Record<BitnodesIndexKey, string>;

/** 1.0 for ≤ 300 ms, 0.1 less per started 100 ms above, 0 above 1200 ms; 0 when unknown. */
export function latencyIndex(averageMs: number | null): number {
  if (averageMs === null || !Number.isFinite(averageMs) || averageMs < 0) return 0;
  if (averageMs <= 300) return 1;
  if (averageMs > 1200) return 0;
  return Math.max(0, 1 - Math.ceil((averageMs - 300) / 100) * 0.1);
}

/** 1/rank (1 = most popular); 0 without a rank. */
export function popularityIndex(rank: number | null): number {
  return rank === null || rank < 1 ? 0 : 1 / rank;
}

/** h/H, at most 1 (a node claiming to be ahead of consensus gains nothing); 0 when unknown. */
export function heightIndex(height: number | null, consensus: number | null): number {
  if (height === null || consensus === null || consensus <= 0 || height < 0) return 0;
  return Math.min(height / consensus, 1);
}

/** ln(N/n)/ln(N): 1 for the only node of its ASN, 0 when every node shares it. */
export function asnIndex(nodesInAsn: number, reachableNodes: number): number {
  if (reachableNodes <= 1 || nodesInAsn <= 0) return 0;
  return Math.max(0, Math.log(reachableNodes / nodesInAsn) / Math.log(reachableNodes));
}

/** Share of probes that succeeded; 0 without probes. */
export function uptimeIndex(successes: number, probes: number): number {
  return probes > 0 ? successes / probes : 0;
}

/** min(1, mbps / network median): 1 at or above the median receive rate; 0 when unknown. */
export function speedIndex(mbps: number | null | undefined, medianMbps: number | null | undefined): number {
  if (mbps === null || mbps === undefined || !Number.isFinite(mbps) || mbps <= 0) return 0;
  if (medianMbps === null || medianMbps === undefined || !Number.isFinite(medianMbps) || medianMbps <= 0) return 0;
  return Math.min(1, mbps / medianMbps);
}

/** ln(N/n)/ln(N) over address networks (ipv4, ipv6, onion, i2p, cjdns), as AI over ASNs. */
export function networkIndex(nodesOnNetwork: number, reachableNodes: number): number {
  return asnIndex(nodesOnNetwork, reachableNodes);
}

/** The block announcement score (0–1, see docs/scoring.md), clamped; 0 when unknown. */
export function blockIndex(score: number | null | undefined): number {
  if (score === null || score === undefined || !Number.isFinite(score)) return 0;
  return Math.min(1, Math.max(0, score));
}

export type BitnodesIndexValues = Record<BitnodesIndexKey, number>;

/** PIX = (sum of the 14 indices / 14) × 10, a range of 0–10. */
export function peerIndex(values: BitnodesIndexValues): number {
  const sum = BITNODES_INDEX_KEYS.reduce((total, key) => total + values[key], 0);
  return Math.min(10, Math.max(0, (sum / BITNODES_INDEX_KEYS.length) * 10));
}

export interface BitnodesIndexInputs {
  versionRank: number | null;
  servicesRank: number | null;
  /** NODE_NETWORK (bit 0) set */
  fullNode: boolean;
  height: number | null;
  consensusHeight: number | null;
  nodesInAsn: number;
  reachableNodes: number;
  onDefaultPort: boolean;
  day: { averageLatencyMs: number | null; successes: number; probes: number };
  week: { averageLatencyMs: number | null; successes: number; probes: number };
  month: { averageLatencyMs: number | null; successes: number; probes: number };
  /** NSI: the node's receive rate and the median of reachable nodes with one (Mbit/s). */
  speed?: { mbps: number | null; medianMbps: number | null };
  /** NI: reachable nodes on the node's address network. */
  nodesOnNetwork?: number;
  /** BI: the node's block announcement score over the last week (0–1). */
  blockScore?: number | null;
}

/** Bitnodes prints indices with 4 decimals. */
export const fixed = (value: number) => value.toFixed(4);

export function bitnodesIndexValues(input: BitnodesIndexInputs): BitnodesIndexValues {
  return {
    vi: popularityIndex(input.versionRank),
    si: input.fullNode ? popularityIndex(input.servicesRank) : 0,
    hi: heightIndex(input.height, input.consensusHeight),
    ai: asnIndex(input.nodesInAsn, input.reachableNodes),
    pi: input.onDefaultPort ? 1 : 0,
    dli: latencyIndex(input.day.averageLatencyMs),
    dui: uptimeIndex(input.day.successes, input.day.probes),
    wli: latencyIndex(input.week.averageLatencyMs),
    wui: uptimeIndex(input.week.successes, input.week.probes),
    mli: latencyIndex(input.month.averageLatencyMs),
    mui: uptimeIndex(input.month.successes, input.month.probes),
    nsi: speedIndex(input.speed?.mbps, input.speed?.medianMbps),
    ni: input.nodesOnNetwork === undefined ? 0 : networkIndex(input.nodesOnNetwork, input.reachableNodes),
    bi: blockIndex(input.blockScore),
  };
}

export function formatIndices(values: BitnodesIndexValues): BitnodesIndices {
  return Object.fromEntries(BITNODES_INDEX_KEYS.map((key) => [key, fixed(values[key])])) as BitnodesIndices;
}

export function bitnodesIndices(input: BitnodesIndexInputs): BitnodesIndices {
  return formatIndices(bitnodesIndexValues(input));
}

interface InputRow {
  id: string;
  version_rank: number | null;
  services_rank: number | null;
  full_node: boolean | null;
  height: number | null;
  consensus: number | null;
  in_asn: number | null;
  reachable: number;
  port: number;
  d_lat: number | null; d_ok: number; d_all: number;
  w_lat: number | null; w_ok: number; w_all: number;
  m_lat: number | null; m_ok: number; m_all: number;
  mbps: number | null; median_mbps: number | null; on_network: number | null; block_score: number | null;
}

/** The indices of the given nodes (by id), formatted, as computeBitnodesIndexValues. */
export async function computeBitnodesIndices(sql: Sql, ids: readonly string[], defaultPort: number, now: Date = new Date()): Promise<Map<string, BitnodesIndices>> {
  const values = await computeBitnodesIndexValues(sql, ids, defaultPort, now);
  return new Map([...values].map(([id, value]) => [id, formatIndices(value)]));
}

/**
 * The indices of the given nodes (by id), over reachable visible nodes, the node's last
 * 30 days of probes, the monitor's receive rates and the last 7 days of block propagation.
 */
export async function computeBitnodesIndexValues(sql: Sql, ids: readonly string[], defaultPort: number, now: Date = new Date()): Promise<Map<string, BitnodesIndexValues>> {
  if (ids.length === 0) return new Map();
  const day = new Date(now.getTime() - 86_400_000);
  const week = new Date(now.getTime() - 7 * 86_400_000);
  const month = new Date(now.getTime() - 30 * 86_400_000);
  const rows = await sql<InputRow[]>`
    with reachable as (
      select protocol_version, services, asn, height, network, monitor_mbps from nodes where status = 'up' and not hidden
    ), totals as (
      select count(*)::int as reachable,
             mode() within group (order by height desc) filter (where height is not null) as consensus
      from reachable
    ), versions as (
      select protocol_version, rank() over (order by count(*) desc)::int as r from reachable group by protocol_version
    ), services as (
      select services, rank() over (order by count(*) desc)::int as r from reachable group by services
    ), asns as (
      select asn, count(*)::int as n from reachable group by asn
    ), networks as (
      select network, count(*)::int as n from reachable group by network
    ), speed as (
      select percentile_cont(0.5) within group (order by monitor_mbps) as median from reachable where monitor_mbps > 0
    ), recent_blocks as (
      select inv_hash, node_ids, announced_ms from inv_propagation
      where kind = 'block' and first_seen_at > ${week} and first_seen_at <= ${now}
    ), block_total as (
      select count(*)::int as n from recent_blocks
    ), announcements as (
      select a.node_id, b.inv_hash, min(a.ms) as ms, cardinality(b.node_ids) as recorded
      from recent_blocks b cross join lateral unnest(b.node_ids, b.announced_ms) as a(node_id, ms)
      group by a.node_id, b.inv_hash, cardinality(b.node_ids)
    ), placed as (
      select node_id, 1 - (rank() over (partition by inv_hash order by ms) - 1)::float8 / greatest(recorded, 1) as score
      from announcements
    ), block_scores as (
      select p.node_id, sum(p.score) / greatest((select n from block_total), 1) as score
      from placed p where p.node_id = any(${pgArray(ids)}::bigint[]) group by p.node_id
    ), checks as (
      select node_id,
             avg(latency_ms) filter (where status = 'up' and checked_at > ${day}) as d_lat,
             count(*) filter (where status = 'up' and checked_at > ${day})::int as d_ok,
             count(*) filter (where checked_at > ${day})::int as d_all,
             avg(latency_ms) filter (where status = 'up' and checked_at > ${week}) as w_lat,
             count(*) filter (where status = 'up' and checked_at > ${week})::int as w_ok,
             count(*) filter (where checked_at > ${week})::int as w_all,
             avg(latency_ms) filter (where status = 'up') as m_lat,
             count(*) filter (where status = 'up')::int as m_ok,
             count(*)::int as m_all
      from node_checks
      where node_id = any(${pgArray(ids)}::bigint[]) and checked_at > ${month} and checked_at <= ${now}
      group by node_id
    )
    select n.id::text as id, v.r as version_rank, s.r as services_rank, (n.services % 2 = 1) as full_node,
           n.height, t.consensus, a.n as in_asn, t.reachable, n.port,
           c.d_lat, coalesce(c.d_ok, 0) as d_ok, coalesce(c.d_all, 0) as d_all,
           c.w_lat, coalesce(c.w_ok, 0) as w_ok, coalesce(c.w_all, 0) as w_all,
           c.m_lat, coalesce(c.m_ok, 0) as m_ok, coalesce(c.m_all, 0) as m_all,
           n.monitor_mbps as mbps, sp.median as median_mbps, nw.n as on_network, bs.score as block_score
    from nodes n
    cross join totals t
    cross join speed sp
    left join networks nw on nw.network = n.network
    left join block_scores bs on bs.node_id = n.id
    left join versions v on v.protocol_version is not distinct from n.protocol_version
    left join services s on s.services is not distinct from n.services
    left join asns a on a.asn is not distinct from n.asn
    left join checks c on c.node_id = n.id
    where n.id = any(${pgArray(ids)}::bigint[])`;
  return new Map(
    rows.map((row) => [
      row.id,
      bitnodesIndexValues({
        versionRank: row.version_rank,
        servicesRank: row.services_rank,
        fullNode: row.full_node === true,
        height: row.height,
        consensusHeight: row.consensus,
        nodesInAsn: row.in_asn ?? 0,
        reachableNodes: row.reachable,
        onDefaultPort: row.port === defaultPort,
        day: { averageLatencyMs: row.d_lat, successes: row.d_ok, probes: row.d_all },
        week: { averageLatencyMs: row.w_lat, successes: row.w_ok, probes: row.w_all },
        month: { averageLatencyMs: row.m_lat, successes: row.m_ok, probes: row.m_all },
        speed: { mbps: row.mbps, medianMbps: row.median_mbps },
        nodesOnNetwork: row.on_network ?? 0,
        blockScore: row.block_score,
      }),
    ]),
  );
}
