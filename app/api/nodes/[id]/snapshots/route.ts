import { getNodeChecks } from '@/lib/api/history';
import { findNode, nodeAddress } from '@/lib/api/nodes';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute, notFound } from '@/lib/api/route';
import { nodeChecksQuerySchema, nodeParamsSchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:nodes',
    query: nodeChecksQuerySchema,
    params: nodeParamsSchema,
    handle: async ({ sql, params, query }) => {
      const node = await findNode(sql, params.id);
      if (!node) return notFound('No such node');
      return getNodeChecks(sql, { id: node.id, address: nodeAddress(node) }, query);
    },
  }),
});
