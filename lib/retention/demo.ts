/**
 * Retention windows of `npm run demo` (scripts/start.ts sets them unless the
 * environment does): its crawler passes every minute over a simulated network,
 * so it keeps every check and node map for an hour only, then hourly checks for
 * the 7 days the node page charts (and the seeded history) cover, and status
 * changes for 14 days. After its first hour the demo database grows only by
 * hourly samples (flat after 7 days) and snapshot summaries (about 1 MB a day).
 */
export const DEMO_RETENTION_ENV: Readonly<Record<string, string>> = {
  RETENTION_SNAPSHOT_ALL_MAPS_HOURS: '1',
  RETENTION_SNAPSHOT_MAPS_DAYS: '7',
  RETENTION_CHECKS_FULL_HOURS: '1',
  RETENTION_CHECKS_DAYS: '7',
  RETENTION_CHECKS_SAMPLE_MINUTES: '60',
  RETENTION_CHECK_CHANGES_DAYS: '14',
  RETENTION_EVENTS_DETAIL_DAYS: '7',
  RETENTION_EVENTS_DAYS: '30',
};
