import type { Sql } from '../db/client';

/** Writes the crawler worker's heartbeat (one row per chain); passStartedAt when a pass starts. */
export async function recordCrawlerHeartbeat(
  sql: Sql,
  beat: { chain: string; startedAt: Date; passStartedAt?: Date },
  now: Date = new Date(),
): Promise<void> {
  await sql`
    insert into crawler_heartbeats (chain, started_at, pass_started_at, beat_at)
    values (${beat.chain}, ${beat.startedAt}, ${beat.passStartedAt ?? null}, ${now})
    on conflict (chain) do update set
      started_at = excluded.started_at,
      pass_started_at = coalesce(excluded.pass_started_at, crawler_heartbeats.pass_started_at),
      beat_at = excluded.beat_at`;
}

/** A clean stop: the crawler is then "not running", never "stale". */
export async function clearCrawlerHeartbeat(sql: Sql, chain: string): Promise<void> {
  await sql`delete from crawler_heartbeats where chain = ${chain}`;
}

/** Beats at most every intervalMs (progress callbacks fire every few seconds). */
export function throttledBeat(beat: () => Promise<unknown>, intervalMs = 15_000): () => void {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    void beat().catch(() => {});
  };
}
