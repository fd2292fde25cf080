import { processAlerts } from '@/lib/alerts/processor';
import { getSql } from '@/lib/db/client';
import { bearerToken, secretMatches } from '@/lib/http/bearer';
import { HttpError, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

/** The secrets that may run the processor: ALERTS_PROCESS_KEY, and CRON_SECRET (16+ characters) for Vercel Cron. */
function processSecrets(env: Record<string, string | undefined> = process.env): string[] {
  const cron = env.CRON_SECRET?.trim();
  return [env.ALERTS_PROCESS_KEY, cron && cron.length >= 16 ? cron : undefined].filter((secret): secret is string => Boolean(secret));
}

/**
 * POST /api/alerts/process with Authorization: Bearer ALERTS_PROCESS_KEY (or CRON_SECRET): runs the alert
 * processor now. GET does the same for Vercel Cron, which sends GET with `Authorization: Bearer $CRON_SECRET`.
 */
const run = route(async (request) => {
  const secrets = processSecrets();
  if (!secrets.length) throw new HttpError(503, 'Not configured', 'Neither ALERTS_PROCESS_KEY nor CRON_SECRET is set on this server.');
  const presented = bearerToken(request.headers);
  if (!secrets.some((secret) => secretMatches(presented, secret))) {
    throw new HttpError(401, 'Unauthorized', 'Send Authorization: Bearer <ALERTS_PROCESS_KEY> (or <CRON_SECRET>).');
  }
  return Response.json({ summary: await processAlerts(getSql()) });
});

export const POST = run;
export const GET = run;
