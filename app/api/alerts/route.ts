import { z } from 'zod';
import { requireUser } from '@/lib/auth/session';
import { createSubscription, listSubscriptions, type CreateSubscriptionInput } from '@/lib/alerts/subscriptions';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { readJson, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

/** GET /api/alerts: the caller's alert subscriptions (webhook secrets are never listed). */
const getHandler = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  return Response.json({ subscriptions: await listSubscriptions(sql, user.id) });
});

/**
 * POST /api/alerts {nodeId, alertOffline, alertOnline, alertVersionOutdated, alertTierChange, emailEnabled,
 * webhookEnabled, webhookUrl, webhookType, cooldownMinutes} → 201 {subscription, webhook_secret}.
 * A generic webhook's webhook_secret (shown once) signs X-Peerscope-Signature.
 */
const postHandler = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  // createSubscription validates (400 with the zod details on bad input).
  const input = await readJson(request, z.object({}).passthrough());
  return Response.json(await createSubscription(sql, user.id, input as CreateSubscriptionInput), { status: 201 });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler, POST: postHandler });
