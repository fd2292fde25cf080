import { getBitnodesNode } from '@/lib/api/bitnodes';
import { findNode } from '@/lib/api/nodes';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute, notFound } from '@/lib/api/route';
import { bitnodesNodeParamsSchema, emptyQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:nodes',
    query: emptyQuerySchema,
    params: bitnodesNodeParamsSchema,
    handle: async ({ sql, params }) => {
      const node = await findNode(sql, params.address);
      return node ? getBitnodesNode(sql, node) : notFound('No such node');
    },
  }),
});
