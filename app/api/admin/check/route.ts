import { z } from 'zod';
import { audit } from '@/lib/admin/audit';
import { requireAdmin } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { notFound, readJson, route } from '@/lib/http/http-error';
import { getNodeProber } from '@/lib/nodes/prober';
import { recordProbe, runProbe, validateNodeAddress } from '@/lib/nodes/register';

export const dynamic = 'force-dynamic';

const bodySchema = z.union([
  z.object({ node_id: z.number().int().positive() }).strict(),
  z.object({ ip: z.string().trim().min(2).max(64), port: z.number().int().min(1).max(65535) }).strict(),
]);

/** POST /api/admin/check {node_id} | {ip, port}: probes a node now and records the result (admins; audited). */
export const POST = route(async (request) => {
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
  const result = await runProbe(getNodeProber(), address);
  const node = await recordProbe(sql, result, 'manual');
  await audit(sql, admin.id, 'node.check', { type: 'node', id: node.id }, { ip: address.host, port: address.port, ok: result.ok, error: result.error ?? null });
  return Response.json({
    node,
    probe: { ok: result.ok, latency_ms: result.latencyMs ?? null, error: result.error ?? null, checked_at: result.checkedAt },
  });
});
