import { z } from 'zod';
import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { parseId, readJson, route } from '@/lib/http/http-error';
import { limitUserAction } from '@/lib/ratelimit/user-actions';
import { checkVerification, checkVerificationSchema } from '@/lib/verification/service';

export const dynamic = 'force-dynamic';

const VERIFICATION_CHECKS_PER_MINUTE = 10;

/**
 * POST /api/verification/[id]/check: runs the check. Body: {address, signature} for message_sign,
 * {hostname} for dns_txt, nothing for http_file and user_agent. 422 with the reason when it fails.
 */
const postHandler = route<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const id = parseId((await params).id, z.uuid(), 'Verification');
  // Each check may fetch a URL or query DNS on the user's behalf.
  await limitUserAction('verification-check', user.id, VERIFICATION_CHECKS_PER_MINUTE, request);
  const input = await readJson(request, checkVerificationSchema);
  return Response.json({ verification: await checkVerification(sql, user.id, id, input) });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
