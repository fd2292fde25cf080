import { z } from 'zod';
import { processAlerts } from '@/lib/alerts/processor';
import { getSql } from '@/lib/db/client';
import { bearerToken, secretMatches } from '@/lib/http/bearer';
import { integerInput } from '@/lib/http/id-schemas';
import { HttpError, readJson, route } from '@/lib/http/http-error';
import { routeMethods } from '@/lib/api/methods';

export const dynamic = 'force-dynamic';

/** Secrets shorter than this can be guessed: the endpoint refuses to run with one. */
const MINIMUM_SECRET_LENGTH = 16;

/** The secrets that may run the processor: ALERTS_PROCESS_KEY, and CRON_SECRET for Vercel Cron. */
function processSecrets(env: Record<string, string | undefined> = process.env): string[] {
  const key = env.ALERTS_PROCESS_KEY?.trim();
  const cron = env.CRON_SECRET?.trim();
  if (key && key.length < MINIMUM_SECRET_LENGTH) {
    throw new HttpError(503, 'Not configured', `ALERTS_PROCESS_KEY must be at least ${MINIMUM_SECRET_LENGTH} characters.`);
  }
  return [key, cron && cron.length >= MINIMUM_SECRET_LENGTH ? cron : undefined].filter((secret): secret is string => Boolean(secret));
}

/**
 * checkMinutes is accepted for AtlasP2P compatibility; the processor compares each subscription's
 * last seen state with the node's, so every change since the previous run is handled whatever it says.
 */
const bodySchema = z.object({ checkMinutes: integerInput(z.number().int().min(1).max(10080)).default(10) }).strict();

/**
 * POST /api/alerts/process {checkMinutes} with Authorization: Bearer ALERTS_PROCESS_KEY (or CRON_SECRET):
 * runs the alert processor now → {processed, sent, details: ["ip:port:type:subscription", …], summary}.
 * GET does the same for Vercel Cron, which sends GET with `Authorization: Bearer $CRON_SECRET`.
 */
const run = route(async (request) => {
  const secrets = processSecrets();
  if (!secrets.length) throw new HttpError(503, 'Not configured', 'Neither ALERTS_PROCESS_KEY nor CRON_SECRET is set on this server.');
  if (!secrets.some((secret) => secretMatches(bearerToken(request.headers), secret))) {
    throw new HttpError(401, 'Unauthorized', 'Send Authorization: Bearer <ALERTS_PROCESS_KEY> (or <CRON_SECRET>).');
  }
  const { checkMinutes } = request.method === 'POST' ? await readJson(request, bodySchema) : bodySchema.parse({});
  const summary = await processAlerts(getSql());
  return Response.json({ processed: summary.events, sent: summary.sent + summary.retry_sent, details: summary.details, checkMinutes, summary });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: run, GET: run });
