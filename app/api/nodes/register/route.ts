import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { readJson, readQuery, route } from '@/lib/http/http-error';
import { getNodeProber } from '@/lib/nodes/prober';
import { limitUserAction } from '@/lib/ratelimit/user-actions';
import { registerNode, registerNodeSchema, registrationQuerySchema, registrationStatus } from '@/lib/nodes/register';

export const dynamic = 'force-dynamic';

const REGISTRATIONS_PER_MINUTE = 10;

/** POST /api/nodes/register {ip, port, label?}: probes the node and, when it answers, adds it to "my nodes". */
export const POST = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  // Each registration dials the address: per user and per client address, on top of the hourly quota.
  await limitUserAction('registration', user.id, REGISTRATIONS_PER_MINUTE, request);
  const input = await readJson(request, registerNodeSchema);
  const result = await registerNode(sql, user.id, input, { probe: getNodeProber() });
  return Response.json(result, { status: 201 });
});

/** GET /api/nodes/register?ip=&port=: the state of a registration and whether the node is reachable. */
export const GET = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const query = readQuery(request, registrationQuerySchema);
  return Response.json(await registrationStatus(sql, user.id, query.ip, query.port), { headers: { 'Cache-Control': 'no-store' } });
});
