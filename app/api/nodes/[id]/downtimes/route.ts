import { getNodeDowntimes } from '@/lib/api/history';
import { findNode } from '@/lib/api/nodes';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute, notFound } from '@/lib/api/route';
import { downtimesQuerySchema, nodeParamsSchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:nodes',
    query: downtimesQuerySchema,
    params: nodeParamsSchema,
    handle: async ({ sql, params, query }) => {
      const node = await findNode(sql, params.id);
      if (!node) return notFound('No such node');
      return getNodeDowntimes(sql, node.id, query);
    },
  }),
});
