/**
 * A node's current problems ("exceptions", as the Horizen tracker calls
 * them), from what the monitor knows about it. Pure: the monitor diffs the
 * result against what it raised before and writes exception_raised /
 * exception_cleared events; lib/events stores the open ones with since-when.
 */

export const EXCEPTION_KINDS = ['offline', 'not_accepting_connections', 'behind_tip', 'outdated', 'high_latency', 'flapping'] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export interface ExceptionRules {
  /** Blocks behind consensus that count as behind … */
  behindBlocks: number;
  /** … for at least this long. */
  behindMinutes: number;
  /** Median RTT above this is high latency. */
  highLatencyMs: number;
  /** This many outages within 24 hours is flapping. */
  flappingOutages: number;
}

export const DEFAULT_EXCEPTION_RULES: ExceptionRules = { behindBlocks: 3, behindMinutes: 30, highLatencyMs: 1000, flappingOutages: 3 };

export interface NodeHealth {
  up: boolean;
  /** Why the last attempt failed: the TCP connection never opened, or it opened and the handshake failed. */
  failure: 'connect' | 'handshake' | null;
  /** Since when the node has been behind consensus by more than rules.behindBlocks (null: it is not). */
  behindSince: number | null;
  behindBy: number;
  medianRttMs: number | null;
  /** Start times (ms) of outages within the last 24 hours. */
  outagesLast24h: number;
  /** true/false when known; null when it cannot be told. */
  outdated: boolean | null;
}

export type ExceptionSet = Partial<Record<ExceptionKind, Record<string, unknown>>>;

export function evaluateExceptions(health: NodeHealth, rules: ExceptionRules, now: number): ExceptionSet {
  const found: ExceptionSet = {};
  if (!health.up) {
    if (health.failure === 'handshake') found.not_accepting_connections = {};
    else found.offline = {};
  } else {
    if (health.behindSince !== null && now - health.behindSince >= rules.behindMinutes * 60_000) found.behind_tip = { blocks: health.behindBy };
    if (health.medianRttMs !== null && health.medianRttMs > rules.highLatencyMs) found.high_latency = { median_rtt_ms: health.medianRttMs };
    if (health.outdated === true) found.outdated = {};
  }
  if (health.outagesLast24h >= rules.flappingOutages) found.flapping = { outages_24h: health.outagesLast24h };
  return found;
}

/** Kinds raised and cleared between two sets. */
export function diffExceptions(before: ExceptionSet, after: ExceptionSet): { raised: ExceptionKind[]; cleared: ExceptionKind[] } {
  const raised = EXCEPTION_KINDS.filter((kind) => after[kind] && !before[kind]);
  const cleared = EXCEPTION_KINDS.filter((kind) => before[kind] && !after[kind]);
  return { raised, cleared };
}
