import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { parseId, readJson, route } from '@/lib/http/http-error';
import { nodeIdSchema } from '@/lib/http/id-schemas';
import { limitProfileSubmission } from '@/lib/profiles/limits';
import { profileChangeSchema } from '@/lib/profiles/schemas';
import { ownerProfileView, requireVerifiedOwner, submitProfileText } from '@/lib/profiles/service';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

/** GET /api/my-nodes/{id}/profile: the live profile, the changes waiting for review and the latest decisions (verified owner). */
const getHandler = route<Context>(async (request, { params }) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const node = await requireVerifiedOwner(sql, user.id, parseId((await params).id, nodeIdSchema, 'Node'));
  return Response.json(await ownerProfileView(sql, node.id));
});

/** PUT /api/my-nodes/{id}/profile {displayName, description, website, x, github, discord, telegram, nostr} → 202 {change} (waits for moderation). */
const putHandler = route<Context>(async (request, { params }) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const node = await requireVerifiedOwner(sql, user.id, parseId((await params).id, nodeIdSchema, 'Node'));
  limitProfileSubmission('textChanges', user.id);
  const fields = await readJson(request, profileChangeSchema, 16 * 1024);
  return Response.json({ change: await submitProfileText(sql, user.id, node.id, fields) }, { status: 202 });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler, PUT: putHandler });
