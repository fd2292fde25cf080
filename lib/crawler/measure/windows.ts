/**
 * The windows that uptime, reliability and latency are measured over.
 * docs/scoring.md explains them; lib/crawler/persist's backoff must stay
 * shorter than UPTIME_MAX_GAP_MS (a test checks it).
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Uptime and median latency cover the last 7 days. */
export const UPTIME_WINDOW_MS = 7 * DAY_MS;

/**
 * A probe's status is taken to hold until the next probe of the same node, but
 * for at most this long: longer silences (the crawler was stopped) count as no
 * data rather than as up or down. It is longer than the longest probe backoff
 * of failing nodes, so a node that is down and probed rarely is charged for all
 * of its downtime.
 */
export const UPTIME_MAX_GAP_MS = 8 * HOUR_MS;

/** Reliability: the share of successful probes among the last RELIABILITY_MAX_CHECKS probes of the last 30 days. */
export const RELIABILITY_WINDOW_MS = 30 * DAY_MS;
export const RELIABILITY_MAX_CHECKS = 100;

/** Checks older than this are not read by any measurement; pruneChecks may delete them. */
export const CHECK_RETENTION_MS = RELIABILITY_WINDOW_MS;

/** The monitor's measurements are used while it touched the node this recently (it touches every minute). */
export const MONITOR_FRESH_MS = 10 * 60_000;

export { HOUR_MS, DAY_MS };
