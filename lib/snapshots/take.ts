import type { Sql } from '../db/client';
import { addressKey } from '../crawler/types';
import { computeNetworkAggregates } from '../api/aggregates';
import { computeCountryRows } from '../api/countries';
import { forgetLatestSnapshot } from '../api/snapshot-cache';
import { computeNodeCounts } from '../api/node-counts';
import { visibleNodesFilter } from '../api/nodes';
import { computeStatsBreakdowns } from '../api/breakdowns';
import { asnLabel, servicesNumber, unixSeconds } from '../api/format';
import type { BitnodesSnapshotRow } from './bitnodes-format';
import { encodeSnapshotBodies, pruneSnapshotBodies, type EncodedSnapshotBody } from './bodies';

/** The VALUES rows of a snapshot's bodies, for an insert into snapshot_bodies. */
export function snapshotBodyValues(sql: Sql, bodies: EncodedSnapshotBody[]) {
  return bodies
    .map((body) => sql`(${body.field}::text, ${body.tag}::text, ${body.body}::bytea, ${body.gzip}::bytea, ${body.br}::bytea)`)
    .reduce((list, item) => sql`${list}, ${item}`);
}

export interface TakeSnapshotOptions {
  /** When the pass ended; becomes taken_at (and the Bitnodes timestamp, in unix seconds). */
  now: Date;
  passDurationMs?: number;
}

export interface TakenSnapshot {
  id: string;
  takenAt: Date;
  totalNodes: number;
  onlineNodes: number;
  latestHeight: number | null;
}

interface SnapshotNodeRow {
  ip: string;
  port: number;
  protocol_version: number | null;
  user_agent: string | null;
  connected_since: Date | null;
  services: string | null;
  height: number | null;
  hostname: string | null;
  city: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  timezone: string | null;
  asn: number | null;
  organization_name: string | null;
}

/** A node as a positional Bitnodes v1 row (order: BITNODES_SNAPSHOT_FIELDS). */
export function bitnodesRow(node: Omit<SnapshotNodeRow, 'ip' | 'port'>): BitnodesSnapshotRow {
  return [
    node.protocol_version,
    node.user_agent,
    unixSeconds(node.connected_since),
    servicesNumber(node.services),
    node.height,
    node.hostname,
    node.city,
    node.country,
    // Bitnodes writes 0.0 for an address it cannot place.
    node.latitude ?? 0,
    node.longitude ?? 0,
    node.timezone,
    asnLabel(node.asn),
    node.organization_name,
  ];
}

/** What a snapshot stores for the API besides its own columns, computed from the nodes as they are now. */
export async function computeSnapshotAggregates(sql: Sql) {
  const [aggregates, countriesOnline, countriesAll, nodeCounts, breakdowns] = await Promise.all([
    computeNetworkAggregates(sql),
    computeCountryRows(sql, true),
    computeCountryRows(sql, false),
    computeNodeCounts(sql, visibleNodesFilter(sql)),
    computeStatsBreakdowns(sql),
  ]);
  return { aggregates, countriesOnline, countriesAll, nodeCounts, breakdowns };
}

/**
 * Records the network as it is now in network_snapshots: counts, latest height,
 * averages, distributions, the Bitnodes `nodes` map of visible online nodes, and the
 * aggregates /api/stats.json and /api/countries.json serve until the next snapshot
 * (computeNetworkAggregates, computeCountryRows). The crawler calls this
 * after each pass; so does /api/cron/snapshots.
 */
export async function takeNetworkSnapshot(sql: Sql, options: TakeSnapshotOptions): Promise<TakenSnapshot> {
  const [{ aggregates, countriesOnline, countriesAll, nodeCounts, breakdowns }, online] = await Promise.all([
    computeSnapshotAggregates(sql),
    sql<SnapshotNodeRow[]>`
      select ip, port, protocol_version, user_agent, connected_since, services, height, hostname, city,
             country, latitude, longitude, timezone, asn, organization_name
      from nodes where status = 'up' and not hidden
      order by id`,
  ]);
  const nodes: Record<string, BitnodesSnapshotRow> = {};
  for (const node of online) nodes[addressKey({ host: node.ip, port: node.port })] = bitnodesRow(node);
  // The Bitnodes answers of this snapshot, serialised and compressed now, once,
  // and written in the same statement as the snapshot (no reader sees one without them).
  const bodies = await encodeSnapshotBodies(
    { timestamp: unixSeconds(options.now)!, total_nodes: aggregates.onlineNodes, latest_height: aggregates.latestHeight },
    nodes,
  );
  const [row] = await sql<{ id: string; taken_at: Date }[]>`
    with snapshot as (
      insert into network_snapshots (taken_at, total_nodes, online_nodes, latest_height, pass_duration_ms,
        average_latency_ms, average_uptime, versions, countries, tiers, nodes, api_aggregates, countries_online, countries_all, node_counts,
        stats_breakdowns)
      values (${options.now}, ${aggregates.totalNodes}, ${aggregates.onlineNodes}, ${aggregates.latestHeight},
        ${options.passDurationMs === undefined ? null : Math.round(options.passDurationMs)},
        ${aggregates.averageLatencyMs}, ${aggregates.averageUptime},
        ${sql.json(aggregates.versions)}, ${sql.json(aggregates.countries)}, ${sql.json(aggregates.tiers)},
        ${sql.json(nodes as never)}, ${sql.json(aggregates as never)}, ${sql.json(countriesOnline as never)},
        ${sql.json(countriesAll as never)}, ${sql.json(nodeCounts as never)}, ${sql.json(breakdowns as never)})
      returning id, taken_at
    ), bodies as (
      insert into snapshot_bodies (snapshot_id, field, tag, body, body_gzip, body_br)
      select snapshot.id, variant.field, variant.tag, variant.body, variant.body_gzip, variant.body_br
      from snapshot, (values
        ${snapshotBodyValues(sql, bodies)}
      ) as variant (field, tag, body, body_gzip, body_br)
    )
    select id, taken_at from snapshot`;
  await pruneSnapshotBodies(sql);
  forgetLatestSnapshot();
  return {
    id: row!.id,
    takenAt: row!.taken_at,
    totalNodes: aggregates.totalNodes,
    onlineNodes: aggregates.onlineNodes,
    latestHeight: aggregates.latestHeight,
  };
}
