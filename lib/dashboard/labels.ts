/** Display labels of the issue-17 node classes (shared by badges, filters and the map popup). */
export const REACHABILITY_LABELS = { up: 'Online', reachable: 'Reachable', down: 'Offline', unknown: 'Unknown' } as const;
export const VERSION_STATUS_LABELS = { current: 'Up to date', outdated: 'Outdated', critical: 'Critical', unknown: 'Unknown' } as const;
