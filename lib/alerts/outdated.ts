import type { Settings } from '../settings/app-settings';

/**
 * When is a node "outdated" (the version_outdated event)?
 *
 * Only up nodes that reported a version are judged; otherwise the answer is null ("unknown")
 * and the last known value is kept.
 * 1. If app setting alerts.min_protocol_version is set: outdated when protocol_version < it.
 * 2. If app setting alerts.min_user_agent_version is set (e.g. "27.0"): outdated when the
 *    user-agent version (first "/Name:x.y.z/" component) is below it.
 *    With either minimum set, only the minimums decide.
 * 3. With neither set: outdated when the user-agent major version is more than
 *    alerts.version_major_lag (default 1) majors below the newest major seen among up nodes
 *    running the same client name (e.g. Satoshi 25.x is outdated when 27.x is seen).
 */
export interface UserAgentVersion {
  client: string;
  version: number[];
}

export function parseUserAgent(userAgent: string | null | undefined): UserAgentVersion | undefined {
  if (!userAgent) return undefined;
  const match = /^\/([^:/()]+):(\d+(?:\.\d+){0,3})/.exec(userAgent);
  if (!match) return undefined;
  return { client: match[1]!, version: match[2]!.split('.').map(Number) };
}

export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The newest major version per client among the given (up) user agents. */
export function newestMajors(userAgents: Iterable<string | null>): Map<string, number> {
  const newest = new Map<string, number>();
  for (const userAgent of userAgents) {
    const parsed = parseUserAgent(userAgent);
    if (!parsed) continue;
    const major = parsed.version[0]!;
    if (major > (newest.get(parsed.client) ?? -1)) newest.set(parsed.client, major);
  }
  return newest;
}

export function isOutdated(
  node: { status: string; protocol_version: number | null; user_agent: string | null },
  settings: Pick<Settings, 'alerts.min_protocol_version' | 'alerts.min_user_agent_version' | 'alerts.version_major_lag'>,
  majors: Map<string, number>,
): boolean | null {
  if (node.status !== 'up') return null;
  const minProtocol = settings['alerts.min_protocol_version'];
  const minUserAgent = settings['alerts.min_user_agent_version'];
  const parsed = parseUserAgent(node.user_agent);
  if (minProtocol !== null || minUserAgent !== null) {
    let known = false;
    if (minProtocol !== null && node.protocol_version !== null) {
      known = true;
      if (node.protocol_version < minProtocol) return true;
    }
    if (minUserAgent !== null && parsed) {
      known = true;
      if (compareVersions(parsed.version, minUserAgent.split('.').map(Number)) < 0) return true;
    }
    return known ? false : null;
  }
  if (!parsed) return null;
  const newest = majors.get(parsed.client);
  if (newest === undefined) return null;
  return parsed.version[0]! < newest - settings['alerts.version_major_lag'];
}
