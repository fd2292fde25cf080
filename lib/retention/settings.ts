import { z } from 'zod';
import { CHECK_RETENTION_MS, DAY_MS, HOUR_MS } from '../crawler/measure/windows';

/**
 * How long each kind of history is kept (README, "Retention"). Every window is
 * counted back from the end of the crawl pass that runs the pruning.
 */
export interface RetentionSettings {
  /** Every snapshot keeps its full node map (Bitnodes `nodes`) and stored API aggregates this long. */
  snapshotAllMapsMs: number;
  /** Beyond that and up to this age, one node map per UTC day is kept; older snapshots keep their summary only. */
  snapshotMapsMs: number;
  /** Every check is kept this long. */
  checksFullMs: number;
  /** Beyond that and up to this age, one check per node per sample slot plus every status change is kept. */
  checksSampledMs: number;
  /** Length of a sample slot. */
  checksSampleMs: number;
  /** Beyond checksSampledMs and up to this age, only status changes (downtime starts and ends) are kept. */
  checkChangesMs: number;
  /** Noisy events (height_behind, exception_raised, exception_cleared) are kept this long. */
  eventsDetailMs: number;
  /** Every other event (node_up, node_down, node_new, version_changed, tier_changed) is kept this long. */
  eventsMs: number;
  /** Longest time one pruning run may take; the rest is done after the next pass. */
  budgetMs: number;
}

const MEASURED_DAYS = CHECK_RETENTION_MS / DAY_MS;

const days = (min: number, fallback: number) => z.coerce.number().min(min).max(36_500).default(fallback);

const schema = z
  .object({
    RETENTION_SNAPSHOT_ALL_MAPS_HOURS: z.coerce.number().min(1).max(24 * 3650).default(24),
    RETENTION_SNAPSHOT_MAPS_DAYS: days(1, 60),
    RETENTION_CHECKS_FULL_HOURS: z.coerce.number().min(1).max(24 * 36_500).default(24),
    // Reliability and the Bitnodes monthly figures read 30 days of checks: shorter windows leave them less history.
    RETENTION_CHECKS_DAYS: days(1, MEASURED_DAYS),
    RETENTION_CHECKS_SAMPLE_MINUTES: z.coerce.number().int().min(5).max(6 * 60).default(60),
    RETENTION_CHECK_CHANGES_DAYS: days(1, 365),
    RETENTION_EVENTS_DETAIL_DAYS: days(1, 30),
    RETENTION_EVENTS_DAYS: days(1, 365),
    RETENTION_MAX_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  })
  .refine((s) => s.RETENTION_CHECKS_FULL_HOURS <= s.RETENTION_CHECKS_DAYS * 24, {
    message: 'RETENTION_CHECKS_FULL_HOURS must not exceed RETENTION_CHECKS_DAYS',
  })
  .refine((s) => s.RETENTION_CHECKS_DAYS <= s.RETENTION_CHECK_CHANGES_DAYS, {
    message: 'RETENTION_CHECKS_DAYS must not exceed RETENTION_CHECK_CHANGES_DAYS',
  })
  .refine((s) => s.RETENTION_EVENTS_DETAIL_DAYS <= s.RETENTION_EVENTS_DAYS, {
    message: 'RETENTION_EVENTS_DETAIL_DAYS must not exceed RETENTION_EVENTS_DAYS',
  });

/** Retention settings from the environment; a bad value throws an error naming it. */
export function resolveRetentionSettings(env: Record<string, string | undefined> = process.env): RetentionSettings {
  const relevant = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('RETENTION_') && value !== undefined && value.trim() !== ''));
  const parsed = schema.safeParse(relevant);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'retention'}: ${issue.message}`).join('; ');
    throw new Error(`Invalid retention settings: ${details}`);
  }
  const s = parsed.data;
  return {
    snapshotAllMapsMs: s.RETENTION_SNAPSHOT_ALL_MAPS_HOURS * HOUR_MS,
    snapshotMapsMs: Math.max(s.RETENTION_SNAPSHOT_MAPS_DAYS * DAY_MS, s.RETENTION_SNAPSHOT_ALL_MAPS_HOURS * HOUR_MS),
    checksFullMs: s.RETENTION_CHECKS_FULL_HOURS * HOUR_MS,
    checksSampledMs: s.RETENTION_CHECKS_DAYS * DAY_MS,
    checksSampleMs: s.RETENTION_CHECKS_SAMPLE_MINUTES * 60_000,
    checkChangesMs: s.RETENTION_CHECK_CHANGES_DAYS * DAY_MS,
    eventsDetailMs: s.RETENTION_EVENTS_DETAIL_DAYS * DAY_MS,
    eventsMs: s.RETENTION_EVENTS_DAYS * DAY_MS,
    budgetMs: s.RETENTION_MAX_SECONDS * 1000,
  };
}

export const DEFAULT_RETENTION_SETTINGS: RetentionSettings = resolveRetentionSettings({});
