import { z } from 'zod';
import { requireUser } from '@/lib/auth/session';
import { deleteSubscription, updateSubscription, type UpdateSubscriptionInput } from '@/lib/alerts/subscriptions';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { parseId, readJson, route } from '@/lib/http/http-error';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ id: string }> };

/** PUT /api/alerts/[id]: any create field but nodeId, plus enabled and rotateSecret: true → {subscription, webhook_secret?}. */
const putHandler = route<Context>(async (request, { params }) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const id = parseId((await params).id, z.uuid(), 'Alert subscription');
  const input = await readJson(request, z.object({}).passthrough());
  return Response.json(await updateSubscription(sql, user.id, id, input as UpdateSubscriptionInput));
});

/** DELETE /api/alerts/[id]. */
const deleteHandler = route<Context>(async (request, { params }) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const id = parseId((await params).id, z.uuid(), 'Alert subscription');
  await deleteSubscription(sql, user.id, id);
  return Response.json({ success: true, deleted: true });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ PUT: putHandler, DELETE: deleteHandler });
