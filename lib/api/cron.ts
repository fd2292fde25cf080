import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { getSql } from '../db/client';
import { jsonError } from '../http/responses';
import { takeNetworkSnapshot } from '../snapshots/take';
import { unixSeconds } from './format';
import { errorResponse } from './errors';
import { corsHeaders, NO_STORE, withHeaders } from './headers';

const cronEnvSchema = z.object({ CRON_SECRET: z.string().trim().min(16, 'must be at least 16 characters').optional() });

function secretsMatch(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * GET/POST /api/cron/snapshots (Vercel Cron sends GET with `Authorization: Bearer
 * $CRON_SECRET`): takes a network snapshot. 503 while CRON_SECRET is unset or
 * invalid, 401 for a missing or wrong secret.
 */
export async function handleSnapshotCron(request: Request, now: () => Date = () => new Date()): Promise<Response> {
  const finish = (response: Response) => withHeaders(response, { ...corsHeaders('GET, POST, OPTIONS'), 'Cache-Control': NO_STORE });
  const env = cronEnvSchema.safeParse({ CRON_SECRET: process.env.CRON_SECRET || undefined });
  if (!env.success) return finish(jsonError(503, 'Cron disabled', 'CRON_SECRET must be at least 16 characters'));
  if (!env.data.CRON_SECRET) return finish(jsonError(503, 'Cron disabled', 'CRON_SECRET is not set on the server'));
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
  if (!match || !secretsMatch(match[1]!, env.data.CRON_SECRET)) {
    return finish(jsonError(401, 'Unauthorized', 'Send Authorization: Bearer <CRON_SECRET>'));
  }
  try {
    const snapshot = await takeNetworkSnapshot(getSql(), { now: now() });
    return finish(
      Response.json({
        id: Number(snapshot.id),
        timestamp: unixSeconds(snapshot.takenAt),
        total_nodes: snapshot.totalNodes,
        online_nodes: snapshot.onlineNodes,
        latest_height: snapshot.latestHeight,
      }),
    );
  } catch (error) {
    return finish(errorResponse(error, '/api/cron/snapshots'));
  }
}
