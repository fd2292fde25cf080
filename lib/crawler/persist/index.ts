export { GEO_REFRESH_MS, probeLatency, recordProbeResults, type RecordOptions, type RecordSummary } from './record';
export {
  BACKOFF_AFTER_FAILURES,
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  DEFAULT_MIN_RECHECK_MS,
  backoffDelayMs,
  nodesDueForProbe,
  type DueNode,
  type DueOptions,
} from './due';
export { pruneChecks, pruneNeverReached, retentionCutoff, type NeverReachedRule } from './prune';
export { isDataError } from './data-error';
export { recomputeScores, type RecomputeResult } from '../measure/recompute';
export { recordHostnames } from './hostnames';
