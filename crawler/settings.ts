import { z } from 'zod';
import { resolveRetentionSettings, type RetentionSettings } from '@/lib/retention/settings';

/** Worker settings from the environment (the chain and its crawl limits come from lib/chains). */
const settingsSchema = z.object({
  CRAWL_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(300),
  /** Run one pass and exit (cron jobs, tests). */
  CRAWLER_ONCE: z.enum(['0', '1', 'true', 'false']).default('0').transform((value) => value === '1' || value === 'true'),
  /** Path of a running simulator's description (`npm run simulate`): crawl it instead of the real network. */
  CRAWLER_SIMULATOR: z.string().trim().min(1).optional(),
  /** Probe results written per database batch. */
  CRAWLER_FLUSH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  /** `false` runs without geolocation (e.g. when the mmdb files are missing). */
  CRAWLER_GEO: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
});

export type WorkerSettings = {
  intervalMs: number;
  once: boolean;
  simulatorPath?: string;
  flushSize: number;
  geo: boolean;
  /** History windows (RETENTION_* variables, lib/retention/settings). */
  retention?: RetentionSettings;
};

export function resolveWorkerSettings(env: Record<string, string | undefined> = process.env): WorkerSettings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid crawler settings: ${details}`);
  }
  const settings = parsed.data;
  return {
    intervalMs: settings.CRAWL_INTERVAL_SECONDS * 1000,
    once: settings.CRAWLER_ONCE,
    simulatorPath: settings.CRAWLER_SIMULATOR,
    flushSize: settings.CRAWLER_FLUSH_SIZE,
    geo: settings.CRAWLER_GEO,
    retention: resolveRetentionSettings(env),
  };
}
