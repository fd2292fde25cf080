import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { parseId, readJson, route } from '@/lib/http/http-error';
import { nodeIdSchema } from '@/lib/http/id-schemas';
import { AVATAR_UPLOAD_MAX_BODY, uploadAvatar } from '@/lib/profiles/avatar-upload';
import { limitProfileSubmission } from '@/lib/profiles/limits';
import { avatarUploadSchema } from '@/lib/profiles/schemas';
import { requireVerifiedOwner, submitAvatar } from '@/lib/profiles/service';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

/** POST /api/my-nodes/{id}/profile/avatar {image: base64 or data: URL} → 202 {change} (re-encoded PNG, waits for moderation). */
const postHandler = route<Context>(async (request, { params }) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const node = await requireVerifiedOwner(sql, user.id, parseId((await params).id, nodeIdSchema, 'Node'));
  limitProfileSubmission('avatarUploads', user.id);
  const { image } = await readJson(request, avatarUploadSchema, AVATAR_UPLOAD_MAX_BODY);
  return Response.json({ change: await uploadAvatar(sql, user.id, node.id, image) }, { status: 202 });
});

/** DELETE /api/my-nodes/{id}/profile/avatar → 202 {change}: asks to remove the live avatar (moderated like an upload). */
const deleteHandler = route<Context>(async (request, { params }) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const node = await requireVerifiedOwner(sql, user.id, parseId((await params).id, nodeIdSchema, 'Node'));
  return Response.json({ change: await submitAvatar(sql, user.id, node.id, null) }, { status: 202 });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler, DELETE: deleteHandler });
