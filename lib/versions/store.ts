import type { Sql } from '../db/client';
import { SETTING_DEFAULTS, SETTING_SCHEMAS, type Settings } from '../settings/app-settings';
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

/** Live detections are kept this long per process (they change with crawl passes, not requests). */
const LIVE_DETECTION_TTL_MS = 60_000;
const globalCache = globalThis as typeof globalThis & { __peerscopeLiveVersions?: { at: number; value: Promise<DetectedVersions> } };

function cachedLiveDetection(sql: Sql, now = Date.now()): Promise<DetectedVersions> {
  const hit = globalCache.__peerscopeLiveVersions;
  if (hit && now - hit.at < LIVE_DETECTION_TTL_MS) return hit.value;
  const value = detectVersionsLive(sql);
  globalCache.__peerscopeLiveVersions = { at: now, value };
  value.catch(() => {
    if (globalCache.__peerscopeLiveVersions?.value === value) delete globalCache.__peerscopeLiveVersions;
  });
  return value;
}

/** For tests: forget the cached live detection. */
export function clearVersionDetectionCache(): void {
  delete globalCache.__peerscopeLiveVersions;
}

function isDetected(value: unknown): value is DetectedVersions {
  const detected = value as DetectedVersions | null;
  return !!detected && typeof detected === 'object' && typeof detected.versions === 'object' && detected.versions !== null;
}

const VERSION_KEYS = ['versions.client', 'versions.current', 'versions.minimum', 'versions.critical'] as const;

/** What each snapshot detected never changes: kept per process by snapshot (the newest few). */
const SNAPSHOT_CACHE_ENTRIES = 8;
const snapshotCache = globalThis as typeof globalThis & { __peerscopeSnapshotVersions?: Map<string, Promise<DetectedVersions | null>> };

function storedDetection(sql: Sql, snapshotId: string, takenAt: Date): Promise<DetectedVersions | null> {
  const entries = (snapshotCache.__peerscopeSnapshotVersions ??= new Map());
  const key = `${snapshotId}|${takenAt.getTime()}`;
  const hit = entries.get(key);
  if (hit) return hit;
  const value = sql<{ detected: unknown }[]>`
    select api_aggregates -> 'versionDetected' as detected from network_snapshots where id = ${snapshotId}`.then(([row]) =>
    isDetected(row?.detected) ? row.detected : null,
  );
  entries.set(key, value);
  value.catch(() => entries.delete(key));
  for (const stale of entries.keys()) {
    if (entries.size <= SNAPSHOT_CACHE_ENTRIES) break;
    entries.delete(stale);
  }
  return value;
}

/**
 * The effective classes: admin settings over what the newest snapshot detected
 * (before a snapshot has it: detected live). One small round trip per call (the
 * snapshot's detection is read once per process); settings apply at once, detected
 * values follow the crawl passes. Request paths pass `cachedLiveDetection` so the live
 * fallback runs at most once a minute per process.
 */
export async function loadVersionClasses(sql: Sql, options: { settings?: Settings; cachedLiveDetection?: boolean } = {}): Promise<VersionClasses> {
  const [row] = await sql<{ settings: Record<string, unknown> | null; snapshot_id: string | null; taken_at: Date | null; precomputed: boolean | null }[]>`
    select (select jsonb_object_agg(key, value) from app_settings where key = any(${VERSION_KEYS as unknown as string[]})) as settings,
           newest.id as snapshot_id, newest.taken_at, newest.api_aggregates is not null as precomputed
    from (select 1) as one
    left join lateral (
      select id, taken_at, api_aggregates from network_snapshots order by taken_at desc, id desc limit 1
    ) as newest on true`;
  const stored: Record<string, unknown> = row?.settings ?? {};
  const current = options.settings ?? (Object.fromEntries(
    VERSION_KEYS.map((key) => {
      const parsed = SETTING_SCHEMAS[key].safeParse(stored[key]);
      return [key, key in stored && parsed.success ? parsed.data : SETTING_DEFAULTS[key]];
    }),
  ) as Pick<Settings, (typeof VERSION_KEYS)[number]>);
  const fromSnapshot = row?.precomputed && row.snapshot_id && row.taken_at ? await storedDetection(sql, row.snapshot_id, row.taken_at) : null;
  const detected = fromSnapshot ?? (await (options.cachedLiveDetection ? cachedLiveDetection(sql) : detectVersionsLive(sql)));
  return resolveVersionClasses(versionSettings(current), detected);
}

/** For request paths (nodes.json, node pages, map, /api/config/chain). */
export function loadVersionClassesForRequest(sql: Sql): Promise<VersionClasses> {
  return loadVersionClasses(sql, { cachedLiveDetection: true });
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
