import type { Sql } from '../db/client';
import { getSettings, type Settings } from '../settings/app-settings';
import {
  detectVersions,
  resolveVersionClasses,
  VERSION_STATUSES,
  type DetectedVersions,
  type VersionClasses,
  type VersionGroup,
  type VersionSettings,
  type VersionStatus,
} from './classes';
import { parseVersion } from './parse';

/**
 * Version classes against the database: what up nodes run (detected once per
 * snapshot and stored with its aggregates), the effective classes (settings over
 * detected values), and the classes as SQL conditions on the indexed generated
 * columns nodes.client_name / nodes.client_version.
 */

export function versionSettings(settings: Pick<Settings, 'versions.client' | 'versions.current' | 'versions.minimum' | 'versions.critical'>): VersionSettings {
  return {
    client: settings['versions.client'],
    current: settings['versions.current'],
    minimum: settings['versions.minimum'],
    critical: settings['versions.critical'],
  };
}

/** The most common clients and versions among visible up nodes, now. */
export async function detectVersionsLive(sql: Sql): Promise<DetectedVersions> {
  const rows = await sql<{ client: string; version: number[]; count: number }[]>`
    select client_name as client, client_version as version, count(*)::int as count
    from nodes
    where status = 'up' and not hidden and client_name is not null and client_version is not null
    group by client_name, client_version`;
  return detectVersions(rows as VersionGroup[]);
}

/** What the newest snapshot detected; null when it has nothing stored (or there is no snapshot). */
async function storedDetectedVersions(sql: Sql): Promise<DetectedVersions | null> {
  const [row] = await sql<{ detected: DetectedVersions | null }[]>`
    select api_aggregates -> 'versionDetected' as detected
    from network_snapshots order by taken_at desc, id desc limit 1`;
  const detected = row?.detected;
  if (!detected || typeof detected !== 'object' || typeof detected.versions !== 'object' || detected.versions === null) return null;
  return detected;
}

/**
 * The effective classes: admin settings over what the newest snapshot detected
 * (detected live before there is one). Settings apply at once; detected values
 * follow the crawl passes.
 */
export async function loadVersionClasses(sql: Sql, settings?: Settings): Promise<VersionClasses> {
  const [current, detected] = await Promise.all([
    settings ?? getSettings(sql),
    storedDetectedVersions(sql).then((stored) => stored ?? detectVersionsLive(sql)),
  ]);
  return resolveVersionClasses(versionSettings(current), detected);
}

function bound(text: string | null): number[] | null {
  return text === null ? null : parseVersion(text);
}

/**
 * The nodes of one class, as a condition on `nodes` (no alias). Every class but
 * unknown is a range on the (client_name, client_version) index.
 */
export function versionStatusCondition(sql: Sql, classes: VersionClasses, status: VersionStatus) {
  const minimum = bound(classes.minimum);
  const critical = bound(classes.critical);
  if (classes.client === null || minimum === null) return status === 'unknown' ? sql`true` : sql`false`;
  const ofClient = sql`client_name = ${classes.client} and client_version is not null`;
  switch (status) {
    case 'current':
      return sql`(${ofClient} and client_version >= ${minimum}::int[])`;
    case 'outdated':
      return critical
        ? sql`(${ofClient} and client_version < ${minimum}::int[] and client_version >= ${critical}::int[])`
        : sql`(${ofClient} and client_version < ${minimum}::int[])`;
    case 'critical':
      return critical ? sql`(${ofClient} and client_version < ${critical}::int[])` : sql`false`;
    case 'unknown':
      return sql`(client_name is distinct from ${classes.client} or client_version is null)`;
  }
}

/** Up (visible) nodes per class, zeros included: one scan, at snapshot time (not per request). */
export async function countVersionStatuses(sql: Sql, classes: VersionClasses): Promise<Record<VersionStatus, number>> {
  const condition = (status: VersionStatus) => versionStatusCondition(sql, classes, status);
  const [row] = await sql<Record<VersionStatus, number>[]>`
    select count(*) filter (where ${condition('current')})::int as current,
           count(*) filter (where ${condition('outdated')})::int as outdated,
           count(*) filter (where ${condition('critical')})::int as critical,
           count(*) filter (where ${condition('unknown')})::int as unknown
    from nodes where status = 'up' and not hidden`;
  return Object.fromEntries(VERSION_STATUSES.map((status) => [status, row?.[status] ?? 0])) as Record<VersionStatus, number>;
}
