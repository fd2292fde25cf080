import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { processAlerts } from '@/lib/alerts/processor';
import { getSql } from '@/lib/db/client';
import { integerInput } from '@/lib/http/id-schemas';
import { routeMethods } from '@/lib/api/methods';
import { HttpError, readJson, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * checkMinutes is accepted for AtlasP2P compatibility; the processor compares each subscription's
 * last seen state with the node's, so every change since the previous run is handled whatever it says.
 */
const bodySchema = z.object({ checkMinutes: integerInput(z.number().int().min(1).max(10080)).default(10) }).strict();

/**
 * POST /api/alerts/process {checkMinutes} with Authorization: Bearer ALERTS_PROCESS_KEY: runs the alert
 * processor now → {processed, sent, details: ["ip:port:type:subscription", …], summary}.
 */
const postHandler = route(async (request) => {
  const key = process.env.ALERTS_PROCESS_KEY;
  if (!key) throw new HttpError(503, 'Not configured', 'ALERTS_PROCESS_KEY is not set on this server.');
  // A short key can be guessed; like CRON_SECRET, refuse to run with one.
  if (key.trim().length < 16) throw new HttpError(503, 'Not configured', 'ALERTS_PROCESS_KEY must be at least 16 characters.');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
  if (!match || !timingSafeEqual(digest(match[1]!), digest(key))) {
    throw new HttpError(401, 'Unauthorized', 'Send Authorization: Bearer <ALERTS_PROCESS_KEY>.');
  }
  const { checkMinutes } = await readJson(request, bodySchema);
  const summary = await processAlerts(getSql());
  return Response.json({ processed: summary.events, sent: summary.sent + summary.retry_sent, details: summary.details, checkMinutes, summary });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
