import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { getSql, type Sql } from '../db/client';
import { jsonError } from '../http/responses';
import { takeNetworkSnapshot } from '../snapshots/take';
import { errorResponse } from './errors';
import { corsHeaders, NO_STORE, withHeaders } from './headers';

const cronEnvSchema = z.object({ CRON_SECRET: z.string().trim().min(16, 'must be at least 16 characters').optional() });

function secretsMatch(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface SnapshotCreated {
  success: true;
  message: string;
  /** ISO 8601 time of the snapshot */
  timestamp: string;
  totalNodes: number;
  onlineNodes: number;
}

export interface LatestSnapshotInfo {
  /** ISO 8601 time of the newest snapshot; null before the first one */
  lastSnapshot: string | null;
  totalNodes: number;
  onlineNodes: number;
}

const cronHeaders = () => ({ ...corsHeaders('GET, HEAD, POST, OPTIONS'), 'Cache-Control': NO_STORE });

/**
 * POST /api/cron/snapshots with `Authorization: Bearer $CRON_SECRET`: takes a
 * network snapshot now. 503 while CRON_SECRET is unset or invalid, 401 for a
 * missing or wrong secret.
 */
export async function handleSnapshotCron(request: Request, now: () => Date = () => new Date()): Promise<Response> {
  const finish = (response: Response) => withHeaders(response, cronHeaders());
  const env = cronEnvSchema.safeParse({ CRON_SECRET: process.env.CRON_SECRET || undefined });
  if (!env.success) return finish(jsonError(503, 'Cron disabled', 'CRON_SECRET must be at least 16 characters'));
  if (!env.data.CRON_SECRET) return finish(jsonError(503, 'Cron disabled', 'CRON_SECRET is not set on the server'));
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
  if (!match || !secretsMatch(match[1]!, env.data.CRON_SECRET)) {
    return finish(jsonError(401, 'Unauthorized', 'Send Authorization: Bearer <CRON_SECRET>'));
  }
  try {
    const snapshot = await takeNetworkSnapshot(getSql(), { now: now() });
    const body: SnapshotCreated = {
      success: true,
      message: 'Snapshot created',
      timestamp: snapshot.takenAt.toISOString(),
      totalNodes: snapshot.totalNodes,
      onlineNodes: snapshot.onlineNodes,
    };
    return finish(Response.json(body));
  } catch (error) {
    return finish(errorResponse(error, '/api/cron/snapshots'));
  }
}

/** The newest snapshot's time and counts; never takes one. */
export async function getLatestSnapshotInfo(sql: Sql): Promise<LatestSnapshotInfo> {
  const [row] = await sql<{ taken_at: Date; total_nodes: number; online_nodes: number }[]>`
    select taken_at, total_nodes, online_nodes from network_snapshots order by taken_at desc, id desc limit 1`;
  return {
    lastSnapshot: row ? row.taken_at.toISOString() : null,
    totalNodes: row?.total_nodes ?? 0,
    onlineNodes: row?.online_nodes ?? 0,
  };
}

/** GET /api/cron/snapshots: public, no secret; reads the newest snapshot only. */
export async function handleSnapshotInfo(): Promise<Response> {
  try {
    return withHeaders(Response.json(await getLatestSnapshotInfo(getSql())), cronHeaders());
  } catch (error) {
    return withHeaders(errorResponse(error, '/api/cron/snapshots'), cronHeaders());
  }
}
