import type { Sql } from '../db/client';
import { countReachability, type Reachability } from '../nodes/reachability';
import { getSettings } from '../settings/app-settings';
import { resolveVersionClasses, type DetectedVersions, type VersionClasses, type VersionStatus } from '../versions/classes';
import { countVersionStatuses, detectVersionsLive, versionSettings } from '../versions/store';

/**
 * The issue-17 parts of the network aggregates, computed with them once per
 * snapshot: what up nodes run (the detected defaults of the version classes), the
 * classes in effect then, up nodes per version class and visible nodes per
 * reachability state.
 */
export interface ClassAggregates {
  versionDetected: DetectedVersions;
  versionClasses: VersionClasses;
  /** version class → online nodes */
  versionStatus: Record<VersionStatus, number>;
  /** reachability state → visible nodes */
  reachability: Record<Reachability, number>;
}

export async function computeClassAggregates(sql: Sql): Promise<ClassAggregates> {
  const [settings, versionDetected, reachability] = await Promise.all([getSettings(sql), detectVersionsLive(sql), countReachability(sql)]);
  const versionClasses = resolveVersionClasses(versionSettings(settings), versionDetected);
  return { versionDetected, versionClasses, versionStatus: await countVersionStatuses(sql, versionClasses), reachability };
}
