import { z } from 'zod';
import { audit } from '@/lib/admin/audit';
import { requireAdmin, requireUser } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { notFound, readJson, route } from '@/lib/http/http-error';
import { nodeIdSchema, portSchema } from '@/lib/http/id-schemas';
import { getNodeProber } from '@/lib/nodes/prober';
import { refuseBannedTarget } from '@/lib/bans/deny-list';
import { recordProbe, runProbe, validateNodeAddress } from '@/lib/nodes/register';

export const dynamic = 'force-dynamic';

const bodySchema = z.union([
  z.object({ node_id: nodeIdSchema }).strict(),
  z.object({ ip: z.string().trim().min(2).max(64), port: portSchema }).strict(),
]);

/** GET /api/admin/check: whether the signed-in user is an admin → {isAdmin, role} (401 without a session). */
const getHandler = route(async (request) => {
  const profile = await requireUser(request, { sql: getSql() });
  const isAdmin = profile.role === 'admin';
  return Response.json({ isAdmin, role: isAdmin ? profile.role : null });
});

/** POST /api/admin/check {node_id} | {ip, port}: probes a node now and records the result (admins; audited). */
const postHandler = route(async (request) => {
  const sql = getSql();
  const admin = await requireAdmin(request, { sql });
  const input = await readJson(request, bodySchema);
  let ip: string;
  let port: number;
  if ('node_id' in input) {
    const [node] = await sql<{ ip: string; port: number }[]>`select ip, port from nodes where id = ${input.node_id}`;
    if (!node) throw notFound('Node');
    ({ ip, port } = node);
  } else {
    ({ ip, port } = input);
  }
  const address = validateNodeAddress(ip, port);
  await refuseBannedTarget(sql, address);
  const result = await runProbe(getNodeProber(), address);
  const node = await recordProbe(sql, result, 'manual');
  await audit(sql, admin.id, 'node.check', { type: 'node', id: node.id }, { ip: address.host, port: address.port, ok: result.ok, error: result.error ?? null });
  return Response.json({
    node,
    probe: { ok: result.ok, latency_ms: result.latencyMs ?? null, error: result.error ?? null, checked_at: result.checkedAt },
  });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: getHandler, POST: postHandler });
