export { recomputeScores, type RecomputeResult } from './recompute';
export {
  computeMedianLatency,
  computeReliability,
  computeUptime,
  scoreNodes,
  type CheckSample,
  type NodeForScoring,
  type NodeScores,
  type UptimeResult,
} from './reference';
export * from './windows';
