import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { readJson, route } from '@/lib/http/http-error';
import { createApiKey, createKeySchema, listApiKeys } from '@/lib/keys/manage';

export const dynamic = 'force-dynamic';

/** GET /api/keys: the caller's keys (no secrets). */
export const GET = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  return Response.json({ keys: await listApiKeys(sql, user.id) }, { headers: { 'Cache-Control': 'no-store' } });
});

/** POST /api/keys {name, scopes?, rate_limit_per_minute?, expires_in_days?} → 201; `key` is shown this once. */
export const POST = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const input = await readJson(request, createKeySchema);
  const created = await createApiKey(sql, user.id, input);
  return Response.json(
    { key: created.key, api_key: created.api_key, notice: 'Store this key now: it is shown only once.' },
    { status: 201, headers: { 'Cache-Control': 'no-store' } },
  );
});
