import type { Sql } from '../db/client';
import type { Shard } from './targets';

/** What one monitor process reports after each target sync (read by /api/health). */
export interface MonitorBeat {
  shard: Shard;
  startedAt: Date;
  syncMs: number;
  held: number;
  connected: number;
  down: number;
}

/** One row per shard, overwritten on every sync: the newest beat is the monitor's liveness. */
export async function recordMonitorHeartbeat(sql: Sql, beat: MonitorBeat, now: Date = new Date()): Promise<void> {
  await sql`
    insert into monitor_heartbeats (shard_index, shard_count, started_at, beat_at, sync_ms, held, connected, down)
    values (${beat.shard.index}, ${beat.shard.count}, ${beat.startedAt}, ${now}, ${Math.max(0, Math.round(beat.syncMs))},
            ${beat.held}, ${beat.connected}, ${beat.down})
    on conflict (shard_index, shard_count) do update set
      started_at = excluded.started_at, beat_at = excluded.beat_at, sync_ms = excluded.sync_ms,
      held = excluded.held, connected = excluded.connected, down = excluded.down`;
}

/** A clean stop removes the shard's row: a stopped monitor is "not running", a crashed one goes stale. */
export async function clearMonitorHeartbeat(sql: Sql, shard: Shard): Promise<void> {
  await sql`delete from monitor_heartbeats where shard_index = ${shard.index} and shard_count = ${shard.count}`;
}
