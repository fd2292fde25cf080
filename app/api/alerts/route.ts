import { requireUser } from '@/lib/auth/session';
import { createSubscription, createSubscriptionSchema, listSubscriptions } from '@/lib/alerts/subscriptions';
import { getSql } from '@/lib/db/client';
import { readJson, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';

/** GET /api/alerts: the caller's alert subscriptions (webhook secrets are never listed). */
export const GET = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  return Response.json({ subscriptions: await listSubscriptions(sql, user.id) }, { headers: { 'Cache-Control': 'no-store' } });
});

/**
 * POST /api/alerts {node_id, channel: email|discord|webhook, target, events?, cooldown_minutes?} → 201.
 * For webhooks the response carries webhook_secret (shown once) used for X-Peerscope-Signature.
 */
export const POST = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const input = await readJson(request, createSubscriptionSchema);
  const created = await createSubscription(sql, user.id, input);
  return Response.json(created, { status: 201, headers: { 'Cache-Control': 'no-store' } });
});
