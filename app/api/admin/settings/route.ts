import { audit } from '@/lib/admin/audit';
import { requireAdmin } from '@/lib/auth/session';
import { getSql, type Sql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { HttpError, readJson, route } from '@/lib/http/http-error';
import { getSettings, settingsPatchSchema, updateSettings } from '@/lib/settings/app-settings';
import { versionSettingsProblem } from '@/lib/versions/classes';
import { versionSettings } from '@/lib/versions/store';

export const dynamic = 'force-dynamic';

/** GET /api/admin/settings: every known setting with its current value (admins). */
const getHandler = route(async (request) => {
  const sql = getSql();
  await requireAdmin(request, { sql });
  return Response.json({ settings: await getSettings(sql) }, { headers: { 'Cache-Control': 'no-store' } });
});

/** PUT /api/admin/settings {key: value, ...}: known keys only, each validated; audited. */
const putHandler = route(async (request) => {
  const sql = getSql();
  const admin = await requireAdmin(request, { sql });
  const patch = await readJson(request, settingsPatchSchema);
  const settings = await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const result = await updateSettings(t, patch, admin.id);
    const problem = versionSettingsProblem(versionSettings(result));
    if (problem) throw new HttpError(400, 'Invalid settings', problem);
    await audit(t, admin.id, 'settings.update', { type: 'app_settings', id: Object.keys(patch).join(',') }, { changes: patch });
    return result;
  });
  return Response.json({ settings });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler, PUT: putHandler });
