import type { VersionClasses } from './classes';

/** The version classes as the API shows them (stats.json, /api/config/chain, nodes). */
export interface PublicVersionClasses {
  /** the client family judged ("Satoshi"), null when none is known yet */
  client: string | null;
  current: string | null;
  minimum: string | null;
  critical: string | null;
  /** where each value comes from: "setting" (admin), "detected" (most common among up nodes), "current" (minimum defaults to it) */
  sources: VersionClasses['sources'];
}

export function publicVersionClasses(classes: VersionClasses): PublicVersionClasses {
  return { client: classes.client, current: classes.current, minimum: classes.minimum, critical: classes.critical, sources: classes.sources };
}
