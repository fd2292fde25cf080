/**
 * PIX score, tiers and rank: the single definition.
 *
 * Everything that shows or stores a score (the crawler's SQL in
 * lib/crawler/measure, the API, the UI, docs/scoring.md) follows this module;
 * the SQL is tested against these functions on random data.
 *
 * ## Inputs (per node, produced by lib/crawler/measure)
 * - uptime %       time-weighted share of the last 7 days the node was up (0–100).
 * - reliability %  share of successful probes among the last 100 probes of the last 30 days (0–100).
 * - latency ms     median round trip of the successful probes of the last 7 days; null when unknown.
 * - observed hours how much of the last 7 days the uptime is based on (history).
 *
 * ## PIX (0–1000)
 *     PIX = 10 × ( 0.5 × uptime + 0.3 × latencyScore + 0.2 × reliability )
 *     latencyScore = clamp(100 − latency_ms, 0, 100)   (unknown latency scores 0, the worst)
 * uptime and reliability are clamped to 0..100, so PIX is always within 0..1000 and
 * a node that is always up, always answers and answers instantly scores 1000.
 * A node with no probe history has no PIX (null).
 *
 * ## Tiers
 * The spec's table, with its strict inequalities: a node gets the best tier whose
 * every requirement holds (PIX above, uptime above AND latency below the
 * thresholds), see TIER_REQUIREMENTS. A node that is not currently up, or whose
 * uptime rests on less than MINIMUM_HISTORY_HOURS of observation, is at most
 * 'standard'. A node with no PIX has no tier.
 *
 * ## Rank
 * 1..n over the nodes that are up, not hidden and have a PIX, ordered by PIX
 * desc, then uptime desc, then first seen asc, then id asc (so ties are broken
 * deterministically and every rank is distinct). Everyone else has no rank.
 */

export type Tier = 'diamond' | 'gold' | 'silver' | 'bronze' | 'standard';

export const PIX_MAX = 1000;

/** Weights of the three components; they add up to 1. */
export const PIX_WEIGHTS = { uptime: 0.5, latency: 0.3, reliability: 0.2 } as const;

/** Multiplier from the 0–100 weighted sum to the 0–1000 PIX scale. */
export const PIX_SCALE = 10;

export interface TierRequirement {
  tier: Exclude<Tier, 'standard'>;
  /** PIX strictly above this. */
  pixAbove: number;
  /** Uptime % strictly above this. */
  uptimeAbove: number;
  /** Latency strictly below this many milliseconds (unknown latency never qualifies). */
  latencyBelow: number;
}

/** Best tier first. A node that meets none of them (but has a PIX) is 'standard'. */
export const TIER_REQUIREMENTS: readonly TierRequirement[] = Object.freeze([
  { tier: 'diamond', pixAbove: 950, uptimeAbove: 99, latencyBelow: 50 },
  { tier: 'gold', pixAbove: 900, uptimeAbove: 98, latencyBelow: 100 },
  { tier: 'silver', pixAbove: 850, uptimeAbove: 95, latencyBelow: 200 },
  { tier: 'bronze', pixAbove: 800, uptimeAbove: 90, latencyBelow: 500 },
] as const satisfies readonly TierRequirement[]);

/** Tiers from best to worst, for legends and filters. */
export const TIERS: readonly Tier[] = Object.freeze(['diamond', 'gold', 'silver', 'bronze', 'standard'] as const);

/** Uptime based on fewer observed hours than this caps the tier at 'standard'. */
export const MINIMUM_HISTORY_HOURS = 24;

function clampPercent(value: number): number {
  return Math.min(Math.max(value, 0), 100);
}

/** 0–100: 100 at 0 ms, 0 at 100 ms or more, and 0 when the latency is unknown. */
export function latencyScore(latencyMs: number | null | undefined): number {
  if (latencyMs === null || latencyMs === undefined || Number.isNaN(latencyMs)) return 0;
  return clampPercent(100 - latencyMs);
}

export interface PixInput {
  uptimePercentage: number;
  reliability: number;
  latencyMs: number | null;
}

/**
 * PIX in 0..1000. The arithmetic order here is the one the SQL uses
 * (lib/crawler/measure), so both give the same double.
 */
export function computePix({ uptimePercentage, reliability, latencyMs }: PixInput): number {
  return (
    (clampPercent(uptimePercentage) * PIX_WEIGHTS.uptime +
      latencyScore(latencyMs) * PIX_WEIGHTS.latency +
      clampPercent(reliability) * PIX_WEIGHTS.reliability) *
    PIX_SCALE
  );
}

export interface TierInput {
  pix: number;
  uptimePercentage: number;
  latencyMs: number | null;
  /** Whether the node is up right now. */
  isUp: boolean;
  /** Hours of the uptime window actually covered by probes. */
  observedHours: number;
}

export function computeTier({ pix, uptimePercentage, latencyMs, isUp, observedHours }: TierInput): Tier {
  if (!isUp || observedHours < MINIMUM_HISTORY_HOURS) return 'standard';
  for (const requirement of TIER_REQUIREMENTS) {
    if (
      pix > requirement.pixAbove &&
      uptimePercentage > requirement.uptimeAbove &&
      latencyMs !== null &&
      latencyMs < requirement.latencyBelow
    ) {
      return requirement.tier;
    }
  }
  return 'standard';
}

export interface RankCandidate {
  id: number | bigint | string;
  isUp: boolean;
  hidden?: boolean;
  pix: number | null;
  uptimePercentage: number | null;
  firstSeen: Date;
}

function compareIds(a: RankCandidate['id'], b: RankCandidate['id']): number {
  const left = BigInt(a);
  const right = BigInt(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Orders two rankable nodes: PIX desc, uptime desc, first seen asc, id asc. */
export function compareForRank(a: RankCandidate, b: RankCandidate): number {
  return (
    (b.pix ?? 0) - (a.pix ?? 0) ||
    (b.uptimePercentage ?? 0) - (a.uptimePercentage ?? 0) ||
    a.firstSeen.getTime() - b.firstSeen.getTime() ||
    compareIds(a.id, b.id)
  );
}

export function isRankable(node: RankCandidate): boolean {
  return node.isUp && !node.hidden && node.pix !== null;
}

/** Rank of every node by id (as a string): 1..n for rankable nodes, null for the rest. */
export function rankNodes(nodes: readonly RankCandidate[]): Map<string, number | null> {
  const ranks = new Map<string, number | null>();
  for (const node of nodes) ranks.set(String(node.id), null);
  const ranked = nodes.filter(isRankable).sort(compareForRank);
  ranked.forEach((node, index) => ranks.set(String(node.id), index + 1));
  return ranks;
}

/** Weights of the network health score; they add up to 1. */
export const HEALTH_WEIGHTS = { uptime: 0.5, synced: 0.3, reliability: 0.2 } as const;

export interface NetworkHealthInput {
  /** Average uptime % of the online nodes; null when there are none. */
  averageUptime: number | null;
  /** Average reliability % of the online nodes; null when there are none. */
  averageReliability: number | null;
  /** Share (0–100) of online nodes within a few blocks of the consensus height. */
  syncedPercentage: number | null;
}

/**
 * stats.json network_health.health_score, 0–100:
 *     0.5 × average uptime + 0.3 × synced % + 0.2 × average reliability
 * over the online nodes; an unknown term counts 0, so a network with no online node scores 0.
 */
export function networkHealthScore({ averageUptime, averageReliability, syncedPercentage }: NetworkHealthInput): number {
  const term = (value: number | null) => (value === null || Number.isNaN(value) ? 0 : clampPercent(value));
  return (
    term(averageUptime) * HEALTH_WEIGHTS.uptime +
    term(syncedPercentage) * HEALTH_WEIGHTS.synced +
    term(averageReliability) * HEALTH_WEIGHTS.reliability
  );
}

/** The thresholds as plain data for the API and UI. */
export function describeScoring() {
  return {
    pixMax: PIX_MAX,
    weights: PIX_WEIGHTS,
    latencyScore: 'clamp(100 - latency_ms, 0, 100); unknown latency scores 0',
    minimumHistoryHours: MINIMUM_HISTORY_HOURS,
    tiers: TIER_REQUIREMENTS,
    rankOrder: ['pix desc', 'uptime desc', 'first_seen asc', 'id asc'],
  } as const;
}
