import { z } from 'zod';
import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { parseId, route } from '@/lib/http/http-error';
import { rotateApiKey } from '@/lib/keys/manage';

export const dynamic = 'force-dynamic';

/** POST /api/keys/[id]/rotate: revokes the key and issues a new secret with the same name and scopes (shown once). */
export const POST = route<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const id = parseId((await params).id, z.uuid(), 'API key');
  const rotated = await rotateApiKey(sql, user.id, id);
  return Response.json(
    { key: rotated.key, api_key: rotated.api_key, replaced: rotated.replaced, notice: 'Store this key now: it is shown only once.' },
    { status: 201, headers: { 'Cache-Control': 'no-store' } },
  );
});
