/**
 * Bitnodes' data propagation statistics (bitnodes-api-v1.md #9): over the first
 * arrival of each node, ordered by time, `head` is [["ip:port", ms epoch], …]
 * and min, max, mean, std, 50% and 90% are over the delays in ms from the first
 * announcement (population std and linearly interpolated percentiles, as numpy).
 * Pure.
 */

export interface Arrival {
  node: string;
  ms: number;
}

export interface PropagationStats {
  head: [string, number][];
  min: number;
  max: number;
  mean: number;
  std: number;
  '50%': number;
  '90%': number;
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** Linear interpolation between closest ranks (numpy's default) over sorted values. */
export function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return 0;
  const position = (sorted.length - 1) * share;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

/** `arrivals` in any order, at most one per node; `headSize` caps the head (1000 as Bitnodes' newer invs). */
export function propagationStats(arrivals: readonly Arrival[], headSize = 1000): PropagationStats {
  const ordered = [...arrivals].sort((a, b) => a.ms - b.ms || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0)).slice(0, headSize);
  if (ordered.length === 0) return { head: [], min: 0, max: 0, mean: 0, std: 0, '50%': 0, '90%': 0 };
  const first = ordered[0]!.ms;
  const deltas = ordered.map((arrival) => arrival.ms - first);
  const mean = deltas.reduce((sum, value) => sum + value, 0) / deltas.length;
  const variance = deltas.reduce((sum, value) => sum + (value - mean) ** 2, 0) / deltas.length;
  return {
    head: ordered.map((arrival) => [arrival.node, arrival.ms]),
    min: deltas[0]!,
    max: deltas[deltas.length - 1]!,
    mean: round3(mean),
    std: round3(Math.sqrt(variance)),
    '50%': round3(percentile(deltas, 0.5)),
    '90%': round3(percentile(deltas, 0.9)),
  };
}
