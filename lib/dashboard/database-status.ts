/**
 * Whether the database answers, as the dashboard's proxy asks before a page renders.
 * One cheap round trip at most every few seconds per server process: a healthy
 * verdict is kept for 2 s, an outage for 1 s, and a probe gives up after 1.5 s.
 */
import { checkDatabase, getSql } from '../db/client';

const HEALTHY_FOR_MS = 2_000;
const DOWN_FOR_MS = 1_000;
const PROBE_TIMEOUT_MS = 1_500;

let verdict: { ok: boolean; at: number } | null = null;
let probing: Promise<boolean> | null = null;

async function probe(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
  });
  try {
    // getSql throws when no database is configured: that is an outage too.
    const check = Promise.resolve().then(() => checkDatabase(getSql())).then((health) => health.ok, () => false);
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when the database answered recently; concurrent callers share one probe. */
export async function databaseReachable(now = Date.now()): Promise<boolean> {
  if (verdict && now - verdict.at < (verdict.ok ? HEALTHY_FOR_MS : DOWN_FOR_MS)) return verdict.ok;
  probing ??= probe().then((ok) => {
    verdict = { ok, at: Date.now() };
    probing = null;
    return ok;
  });
  return probing;
}
