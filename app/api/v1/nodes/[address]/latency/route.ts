import { getBitnodesLatency } from '@/lib/api/bitnodes';
import { preflight } from '@/lib/api/headers';
import { findNode } from '@/lib/api/nodes';
import { apiRoute, notFound } from '@/lib/api/route';
import { bitnodesNodeParamsSchema, emptyQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  scope: 'read:nodes',
  query: emptyQuerySchema,
  params: bitnodesNodeParamsSchema,
  handle: async ({ sql, params }) => {
    const node = await findNode(sql, params.address);
    return node ? getBitnodesLatency(sql, node.id) : notFound('No such node');
  },
});

export const OPTIONS = preflight();
