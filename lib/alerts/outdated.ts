import { classifyVersion, isOutdatedClass, type VersionClasses } from '../versions/classes';
import { parseClientVersion } from '../versions/parse';

/**
 * When is a node "outdated" (the version_outdated alert and the monitor's outdated
 * exception)? When its version class (lib/versions/classes.ts) is outdated or critical.
 * Only up nodes are judged, and a node of unknown class (another client, no parsable
 * version, no classes yet) gives null ("unknown": the last known value is kept).
 */
export function isOutdated(node: { status: string; user_agent: string | null }, classes: VersionClasses): boolean | null {
  if (node.status !== 'up') return null;
  return isOutdatedClass(classifyVersion(parseClientVersion(node.user_agent), classes));
}
