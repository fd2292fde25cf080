import { z } from 'zod';
import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { parseId, route } from '@/lib/http/http-error';
import { getVerification } from '@/lib/verification/service';

export const dynamic = 'force-dynamic';

/** GET /api/verification/[id]: one of the caller's verifications. */
const getHandler = route<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const id = parseId((await params).id, z.uuid(), 'Verification');
  return Response.json({ verification: await getVerification(sql, user.id, id) }, { headers: { 'Cache-Control': 'no-store' } });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler });
