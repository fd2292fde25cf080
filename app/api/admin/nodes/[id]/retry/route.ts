import { audit } from '@/lib/admin/audit';
import { requireAdmin } from '@/lib/auth/session';
import { getSql } from '@/lib/db/client';
import { routeMethods } from '@/lib/api/methods';
import { conflict, notFound, parseId, route } from '@/lib/http/http-error';
import { nodeIdSchema } from '@/lib/http/id-schemas';
import { clearBackoff, loadConnectionState } from '@/lib/nodes/connection-state';

export const dynamic = 'force-dynamic';

/**
 * POST /api/admin/nodes/[id]/retry: clears the node's backoff (greylist clear) so the crawler
 * dials it at its next pass → {node: {id, ip, port}, connection} (admins; audited). 409 for a banned node.
 */
const postHandler = route<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const sql = getSql();
  const admin = await requireAdmin(request, { sql });
  const nodeId = String(parseId((await params).id, nodeIdSchema, 'Node'));
  const node = await clearBackoff(sql, nodeId);
  if (node === 'unknown') throw notFound('Node');
  if (node === 'banned') throw conflict('The node is banned; lift the ban (DELETE /api/admin/bans) before asking for a retry.');
  await audit(sql, admin.id, 'node.retry', { type: 'node', id: node.id }, { ip: node.ip, port: node.port });
  return Response.json({ node, connection: await loadConnectionState(sql, node.id) }, { headers: { 'Cache-Control': 'no-store' } });
});

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ POST: postHandler });
