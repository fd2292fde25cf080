import { compareVersions, formatVersion, parseVersion, type ClientVersion } from './parse';

/**
 * Version classes (issue 17). Per chain (one deployment tracks one chain) an admin
 * sets, in app settings:
 * - versions.client: the client family judged (the name in "/Satoshi:27.1.0/");
 *   default: the most common client among up nodes;
 * - versions.current: the current release; default: the most common version of that
 *   client among up nodes ("detected");
 * - versions.minimum: the oldest version still up to date; default: current;
 * - versions.critical: versions below it are critical (e.g. known vulnerabilities);
 *   default: none.
 * A node running that client is then
 * - critical: version < critical,
 * - outdated: version < minimum (and not critical),
 * - current (up to date): version ≥ minimum;
 * and unknown when it runs another client, its user agent has no parsable version,
 * or no class can be set (no client, no current version).
 * Versions compare number by number ("27.1" = "27.1.0.0" < "27.10").
 */
export const VERSION_STATUSES = ['current', 'outdated', 'critical', 'unknown'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

export interface VersionSettings {
  client: string | null;
  current: string | null;
  minimum: string | null;
  critical: string | null;
}

/** What the up nodes run: the most common client, and the most common version of each of the most common clients. */
export interface DetectedVersions {
  client: string | null;
  versions: Record<string, string>;
}

export interface VersionClasses {
  client: string | null;
  current: string | null;
  minimum: string | null;
  critical: string | null;
  /** Where each value comes from: an admin setting, detected from up nodes, or (minimum) the current version. */
  sources: {
    client: 'setting' | 'detected' | null;
    current: 'setting' | 'detected' | null;
    minimum: 'setting' | 'current' | null;
    critical: 'setting' | null;
  };
}

/** One (client, version) group of up nodes. */
export interface VersionGroup {
  client: string;
  version: number[];
  count: number;
}

/** How many clients keep their detected version (the rest are too rare to matter). */
export const DETECTED_CLIENTS = 20;

/** Most common client (ties: name order) and, per client, its most common version (ties: the higher). */
export function detectVersions(groups: readonly VersionGroup[]): DetectedVersions {
  const perClient = new Map<string, { total: number; best: VersionGroup }>();
  for (const group of groups) {
    const entry = perClient.get(group.client);
    if (!entry) {
      perClient.set(group.client, { total: group.count, best: group });
      continue;
    }
    entry.total += group.count;
    if (group.count > entry.best.count || (group.count === entry.best.count && compareVersions(group.version, entry.best.version) > 0)) entry.best = group;
  }
  const ranked = [...perClient].sort((a, b) => b[1].total - a[1].total || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, DETECTED_CLIENTS);
  return {
    client: ranked[0]?.[0] ?? null,
    versions: Object.fromEntries(ranked.map(([client, entry]) => [client, formatVersion(entry.best.version)])),
  };
}

export function resolveVersionClasses(settings: VersionSettings, detected: DetectedVersions): VersionClasses {
  const client = settings.client ?? detected.client;
  const found = client !== null && Object.hasOwn(detected.versions, client) ? detected.versions[client] : undefined;
  const detectedCurrent = typeof found === 'string' && parseVersion(found) ? found : null;
  const current = settings.current ?? detectedCurrent;
  const minimum = settings.minimum ?? current;
  return {
    client,
    current,
    minimum,
    critical: settings.critical,
    sources: {
      client: settings.client !== null ? 'setting' : client !== null ? 'detected' : null,
      current: settings.current !== null ? 'setting' : current !== null ? 'detected' : null,
      minimum: settings.minimum !== null ? 'setting' : minimum !== null ? 'current' : null,
      critical: settings.critical !== null ? 'setting' : null,
    },
  };
}

/** The class of a node from its parsed user agent. */
export function classifyVersion(node: ClientVersion | null, classes: VersionClasses): VersionStatus {
  const minimum = classes.minimum === null ? null : parseVersion(classes.minimum);
  if (!node || classes.client === null || minimum === null || node.client !== classes.client) return 'unknown';
  const critical = classes.critical === null ? null : parseVersion(classes.critical);
  if (critical && compareVersions(node.version, critical) < 0) return 'critical';
  if (compareVersions(node.version, minimum) < 0) return 'outdated';
  return 'current';
}

/** Whether a class counts as outdated for the version_outdated alert (null: unknown, keep the last value). */
export function isOutdatedClass(status: VersionStatus): boolean | null {
  return status === 'unknown' ? null : status !== 'current';
}

/** Set values must be ordered critical ≤ minimum ≤ current; returns what is wrong, or null. */
export function versionSettingsProblem(settings: VersionSettings): string | null {
  const parsed = (text: string | null) => (text === null ? null : parseVersion(text));
  const [critical, minimum, current] = [parsed(settings.critical), parsed(settings.minimum), parsed(settings.current)];
  if (critical && minimum && compareVersions(critical, minimum) > 0) return 'versions.critical must not be above versions.minimum';
  if (minimum && current && compareVersions(minimum, current) > 0) return 'versions.minimum must not be above versions.current';
  if (critical && current && compareVersions(critical, current) > 0) return 'versions.critical must not be above versions.current';
  return null;
}
