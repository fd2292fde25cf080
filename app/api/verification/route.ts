import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { readJson, route } from '@/lib/http/http-error';
import { listMyVerifications, startVerification, startVerificationSchema } from '@/lib/verification/service';

export const dynamic = 'force-dynamic';

/** POST /api/verification {node_id, method} → the challenge and instructions (201 new, 200 existing open one). */
const postHandler = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const input = await readJson(request, startVerificationSchema);
  const { created, verification } = await startVerification(sql, user.id, input);
  return Response.json({ verification }, { status: created ? 201 : 200 });
});

/** GET /api/verification: the caller's verifications. */
const getHandler = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  return Response.json({ verifications: await listMyVerifications(sql, user.id) }, { headers: { 'Cache-Control': 'no-store' } });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler, POST: postHandler });
