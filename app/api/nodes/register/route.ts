import { z } from 'zod';
import { requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { readJson, readQuery, route } from '@/lib/http/http-error';
import { getNodeProber } from '@/lib/nodes/prober';
import { limitUserAction } from '@/lib/ratelimit/user-actions';
import { listMyNodes, registerNode, registrationQuerySchema, registrationStatus, type RegisterNodeInput } from '@/lib/nodes/register';

export const dynamic = 'force-dynamic';

const REGISTRATIONS_PER_MINUTE = 10;

/**
 * POST /api/nodes/register {ip, port, label?}: probes the node and, when it answers, adds it to "my nodes"
 * → 201 {success, message, node:{id, ip, port, status, …}, label, probe}.
 */
const postHandler = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  // Each registration dials the address: per user and per client address, on top of the hourly quota.
  await limitUserAction('registration', user.id, REGISTRATIONS_PER_MINUTE, request);
  const input = await readJson(request, z.object({}).passthrough());
  const result = await registerNode(sql, user.id, input as RegisterNodeInput, { probe: getNodeProber() });
  return Response.json(result, { status: 201 });
});

/** GET /api/nodes/register: the caller's registered nodes {nodes}; with ?ip=&port= the state of that registration. */
const getHandler = route(async (request) => {
  const sql = getSql();
  const user = await requireUser(request, { sql });
  const query = readQuery(request, registrationQuerySchema);
  if (query.ip !== undefined && query.port !== undefined) return Response.json(await registrationStatus(sql, user.id, query.ip, query.port));
  return Response.json({ nodes: await listMyNodes(sql, user.id) });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler, POST: postHandler });
