/**
 * Plain TypeScript definitions of uptime, reliability and median latency for
 * one node, and of the whole scoring pass for a set of nodes. They are the
 * reference the set-based SQL in recompute.ts is tested against, and they do
 * the same arithmetic in the same order so both give the same doubles.
 */
import { computePix, computeTier, rankNodes, type Tier } from '../../scoring';
import {
  HOUR_MS,
  RELIABILITY_MAX_CHECKS,
  RELIABILITY_WINDOW_MS,
  UPTIME_MAX_GAP_MS,
  UPTIME_WINDOW_MS,
} from './windows';

export interface CheckSample {
  /** Insertion order; breaks ties between checks with the same time. */
  id: number;
  checkedAt: Date;
  status: 'up' | 'down';
  latencyMs: number | null;
}

function byTimeThenId(a: CheckSample, b: CheckSample): number {
  return a.checkedAt.getTime() - b.checkedAt.getTime() || a.id - b.id;
}

export interface UptimeResult {
  /** null when no probe covers any of the window. */
  uptimePercentage: number | null;
  /** Milliseconds of the window covered by probes. */
  observedMs: number;
}

/**
 * Time-weighted uptime over [now − 7 days, now]: each check's status holds from
 * its time until the next check of the node, capped at UPTIME_MAX_GAP_MS and
 * at now; the part before the window start is cut off. Uptime is the up time
 * divided by the covered time.
 */
export function computeUptime(checks: readonly CheckSample[], now: Date): UptimeResult {
  const nowMs = now.getTime();
  const windowStart = nowMs - UPTIME_WINDOW_MS;
  const sorted = checks
    .filter((check) => check.checkedAt.getTime() <= nowMs && check.checkedAt.getTime() >= windowStart - UPTIME_MAX_GAP_MS)
    .sort(byTimeThenId);
  let upMs = 0;
  let observedMs = 0;
  sorted.forEach((check, index) => {
    const at = check.checkedAt.getTime();
    const next = sorted[index + 1]?.checkedAt.getTime() ?? nowMs;
    const held = Math.max(Math.min(next, at + UPTIME_MAX_GAP_MS, nowMs) - Math.max(at, windowStart), 0);
    observedMs += held;
    if (check.status === 'up') upMs += held;
  });
  return { uptimePercentage: observedMs > 0 ? (upMs / observedMs) * 100 : null, observedMs };
}

/** Share (0–100) of successful probes among the last 100 probes of the last 30 days; null without probes. */
export function computeReliability(checks: readonly CheckSample[], now: Date): number | null {
  const nowMs = now.getTime();
  const recent = checks
    .filter((check) => check.checkedAt.getTime() <= nowMs && check.checkedAt.getTime() >= nowMs - RELIABILITY_WINDOW_MS)
    .sort(byTimeThenId)
    .slice(-RELIABILITY_MAX_CHECKS);
  if (recent.length === 0) return null;
  const up = recent.filter((check) => check.status === 'up').length;
  return (up / recent.length) * 100;
}

/** Median latency of the successful probes of the last 7 days (PostgreSQL percentile_cont(0.5)); null without any. */
export function computeMedianLatency(checks: readonly CheckSample[], now: Date): number | null {
  const nowMs = now.getTime();
  const values = checks
    .filter(
      (check) =>
        check.status === 'up' &&
        check.latencyMs !== null &&
        check.checkedAt.getTime() <= nowMs &&
        check.checkedAt.getTime() >= nowMs - UPTIME_WINDOW_MS,
    )
    .map((check) => check.latencyMs as number)
    .sort((a, b) => a - b);
  if (values.length === 0) return null;
  const position = 0.5 * (values.length - 1);
  const lower = Math.floor(position);
  const first = values[lower]!;
  if (position === lower) return first;
  const second = values[lower + 1]!;
  return first + (second - first) * (position - lower);
}

export interface NodeForScoring {
  id: number;
  status: 'up' | 'down' | 'unknown';
  hidden: boolean;
  firstSeen: Date;
  checks: readonly CheckSample[];
}

export interface NodeScores {
  uptimePercentage: number | null;
  observedHours: number | null;
  reliability: number | null;
  medianLatencyMs: number | null;
  pix: number | null;
  tier: Tier | null;
  rank: number | null;
}

/** Every measured and scored value of a scoring pass, keyed by node id (as a string). */
export function scoreNodes(nodes: readonly NodeForScoring[], now: Date): Map<string, NodeScores> {
  const scores = new Map<string, NodeScores>();
  for (const node of nodes) {
    const { uptimePercentage, observedMs } = computeUptime(node.checks, now);
    const reliability = computeReliability(node.checks, now);
    const medianLatencyMs = computeMedianLatency(node.checks, now);
    const observedHours = observedMs / HOUR_MS;
    const pix =
      uptimePercentage !== null && reliability !== null
        ? computePix({ uptimePercentage, reliability, latencyMs: medianLatencyMs })
        : null;
    const tier =
      pix !== null && uptimePercentage !== null
        ? computeTier({ pix, uptimePercentage, latencyMs: medianLatencyMs, isUp: node.status === 'up', observedHours })
        : null;
    scores.set(String(node.id), {
      uptimePercentage,
      observedHours: uptimePercentage === null ? null : observedHours,
      reliability,
      medianLatencyMs,
      pix,
      tier,
      rank: null,
    });
  }
  const ranks = rankNodes(
    nodes.map((node) => {
      const score = scores.get(String(node.id))!;
      return {
        id: node.id,
        isUp: node.status === 'up',
        hidden: node.hidden,
        pix: score.pix,
        uptimePercentage: score.uptimePercentage,
        firstSeen: node.firstSeen,
      };
    }),
  );
  for (const [id, rank] of ranks) scores.get(id)!.rank = rank;
  return scores;
}
