import { z } from 'zod';

/** Monitor settings from the environment (README "Configuration"). */
const schema = z
  .object({
    /** Ping interval; 60–600 s on a real network (Bitnodes pings every 1–10 min). */
    MONITOR_PING_INTERVAL_SECONDS: z.coerce.number().min(1).max(600).default(120),
    MONITOR_SHARD_INDEX: z.coerce.number().int().min(0).default(0),
    MONITOR_SHARD_COUNT: z.coerce.number().int().min(1).max(1024).default(1),
    /** How often the set of held nodes is reloaded. */
    MONITOR_SYNC_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    MONITOR_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(200_000).default(50_000),
    /** How often batches of events and node state are written. */
    MONITOR_FLUSH_MS: z.coerce.number().int().min(20).max(60_000).default(200),
    /** Exception rules. */
    MONITOR_BEHIND_BLOCKS: z.coerce.number().int().min(1).max(10_000).default(3),
    MONITOR_BEHIND_MINUTES: z.coerce.number().min(0).max(1440).default(30),
    MONITOR_HIGH_LATENCY_MS: z.coerce.number().min(1).max(60_000).default(1000),
    MONITOR_FLAPPING_OUTAGES: z.coerce.number().int().min(2).max(1000).default(3),
    /** Data propagation: share of transaction invs recorded (by hash prefix; 0 = blocks only), and the write interval. */
    MONITOR_INV_TX_SAMPLE: z.coerce.number().min(0).max(1).default(0.25),
    MONITOR_INV_FLUSH_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
    /** Most recent inv hashes kept (Bitnodes keeps 100,000: about a day at the default sample, ~0.5 GB). */
    MONITOR_INV_KEEP: z.coerce.number().int().min(100).max(1_000_000).default(100_000),
  })
  .refine((value) => value.MONITOR_SHARD_INDEX < value.MONITOR_SHARD_COUNT, { message: 'MONITOR_SHARD_INDEX must be below MONITOR_SHARD_COUNT' });

export interface MonitorSettings {
  pingIntervalMs: number;
  shard: { index: number; count: number };
  syncMs: number;
  maxConnections: number;
  flushMs: number;
  /** Data propagation (lib/propagation); defaults: 0.25 of transactions, written every 2 s. */
  inv?: { txSample: number; flushMs: number; keep?: number };
  rules: { behindBlocks: number; behindMinutes: number; highLatencyMs: number; flappingOutages: number };
}

export function resolveMonitorSettings(env: Record<string, string | undefined> = process.env): MonitorSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid monitor settings: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'MONITOR_SHARD_INDEX'}: ${issue.message}`).join('; ')}`);
  }
  const value = parsed.data;
  return {
    pingIntervalMs: value.MONITOR_PING_INTERVAL_SECONDS * 1000,
    shard: { index: value.MONITOR_SHARD_INDEX, count: value.MONITOR_SHARD_COUNT },
    syncMs: value.MONITOR_SYNC_SECONDS * 1000,
    maxConnections: value.MONITOR_MAX_CONNECTIONS,
    flushMs: value.MONITOR_FLUSH_MS,
    inv: { txSample: value.MONITOR_INV_TX_SAMPLE, flushMs: value.MONITOR_INV_FLUSH_MS, keep: value.MONITOR_INV_KEEP },
    rules: {
      behindBlocks: value.MONITOR_BEHIND_BLOCKS,
      behindMinutes: value.MONITOR_BEHIND_MINUTES,
      highLatencyMs: value.MONITOR_HIGH_LATENCY_MS,
      flappingOutages: value.MONITOR_FLAPPING_OUTAGES,
    },
  };
}
