/**
 * How fast a block spread, for the dashboard: delays binned into a histogram
 * with a round bin width, and the share of nodes reached by a few marks. Pure.
 */
import { percentile } from '../propagation/stats';

export interface DelayBin {
  /** Bin start and end in ms ([from, to)). */
  from: number;
  to: number;
  nodes: number;
}

const STEPS = [1, 2, 5];

/** The smallest 1/2/5 × 10^n width that covers `max` in at most `bins` bins (at least 1 ms). */
export function roundBinWidth(max: number, bins: number): number {
  const raw = Math.max(1, max / bins);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const step of [...STEPS, 10]) if (step * magnitude >= raw) return step * magnitude;
  return 10 * magnitude;
}

/** Delays (ms, any order) in at most `bins` bins of a round width; the last bin holds the maximum. */
export function delayHistogram(delays: readonly number[], bins = 20): DelayBin[] {
  if (delays.length === 0) return [];
  const max = Math.max(...delays);
  const width = roundBinWidth(max, bins);
  const count = Math.max(1, Math.floor(max / width) + 1);
  const out: DelayBin[] = Array.from({ length: count }, (_, index) => ({ from: index * width, to: (index + 1) * width, nodes: 0 }));
  for (const delay of delays) out[Math.min(count - 1, Math.floor(Math.max(0, delay) / width))]!.nodes += 1;
  return out;
}

export interface SpreadSummary {
  nodes: number;
  median: number;
  p90: number;
  max: number;
}

export function spreadSummary(delays: readonly number[]): SpreadSummary {
  const sorted = [...delays].sort((a, b) => a - b);
  return { nodes: sorted.length, median: Math.round(percentile(sorted, 0.5)), p90: Math.round(percentile(sorted, 0.9)), max: sorted.at(-1) ?? 0 };
}

/** "850 ms" or "2.4 s". */
export function formatDelay(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
