import { createHash, timingSafeEqual } from 'node:crypto';
import { processAlerts } from '@/lib/alerts/processor';
import { getSql } from '@/lib/db/client';
import { HttpError, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** POST /api/alerts/process with Authorization: Bearer ALERTS_PROCESS_KEY: runs the alert processor now. */
export const POST = route(async (request) => {
  const key = process.env.ALERTS_PROCESS_KEY;
  if (!key) throw new HttpError(503, 'Not configured', 'ALERTS_PROCESS_KEY is not set on this server.');
  // A short key can be guessed; like CRON_SECRET, refuse to run with one.
  if (key.trim().length < 16) throw new HttpError(503, 'Not configured', 'ALERTS_PROCESS_KEY must be at least 16 characters.');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
  if (!match || !timingSafeEqual(digest(match[1]!), digest(key))) {
    throw new HttpError(401, 'Unauthorized', 'Send Authorization: Bearer <ALERTS_PROCESS_KEY>.');
  }
  return Response.json({ summary: await processAlerts(getSql()) });
});
