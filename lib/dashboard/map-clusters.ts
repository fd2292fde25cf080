import type { Sql } from '../db/client';
import { cachedPerSnapshot } from '../api/snapshot-cache';
import { loadVersionClassesForRequest, versionStatusCondition } from '../versions/store';

export interface NodeCluster {
  latitude: number;
  longitude: number;
  count: number;
  /** the most common country of the cluster's nodes */
  country: string | null;
  countryName: string | null;
  /** nodes of the cluster per version class (lib/versions) */
  versions: { current: number; outdated: number; critical: number };
  /** display names of approved operator profiles in the cluster, best-ranked first (at most 3) */
  operators?: string[];
  /** how many of the cluster's nodes have an approved operator name */
  operatorCount?: number;
}

/**
 * Online, visible, located nodes aggregated in SQL into a grid of `cellDegrees`
 * squares, so the map draws a few hundred circles whatever the network size.
 * Each cluster sits at its nodes' mean position. Largest first.
 */
export async function getNodeClusters(sql: Sql, cellDegrees = 4): Promise<NodeCluster[]> {
  const classes = await loadVersionClassesForRequest(sql);
  const rows = await sql<{
    latitude: number; longitude: number; count: number; country: string | null; country_name: string | null;
    current: number; outdated: number; critical: number; operators: string[] | null; operator_count: number;
  }[]>`
    select avg(latitude)::float8 as latitude, avg(longitude)::float8 as longitude, count(*)::int as count,
           count(*) filter (where ${versionStatusCondition(sql, classes, 'current')})::int as current,
           count(*) filter (where ${versionStatusCondition(sql, classes, 'outdated')})::int as outdated,
           count(*) filter (where ${versionStatusCondition(sql, classes, 'critical')})::int as critical,
           mode() within group (order by country) as country,
           mode() within group (order by country_name) as country_name,
           (array_agg(profile.display_name order by nodes.rank nulls last, nodes.id) filter (where profile.display_name is not null))[1:3] as operators,
           count(profile.display_name)::int as operator_count
    from nodes left join node_profiles profile on profile.node_id = nodes.id
    where status = 'up' and not hidden and latitude is not null and longitude is not null
    group by floor(latitude / ${cellDegrees}::float8), floor(longitude / ${cellDegrees}::float8)
    order by count desc, 1, 2`;
  return rows.map((row) => ({
    latitude: row.latitude,
    longitude: row.longitude,
    count: row.count,
    country: row.country?.trim() ?? null,
    countryName: row.country_name,
    versions: { current: row.current, outdated: row.outdated, critical: row.critical },
    // Only clusters with approved operator names carry them.
    ...(row.operator_count > 0 ? { operators: row.operators ?? [], operatorCount: row.operator_count } : {}),
  }));
}

/**
 * The clusters for the home page, computed once per snapshot and process (as fresh
 * as stats.json), so a page view does no aggregate over every node.
 */
export function getSnapshotNodeClusters(sql: Sql): Promise<NodeCluster[]> {
  return cachedPerSnapshot(sql, 'dashboard map clusters', () => getNodeClusters(sql));
}
