import { getNodeDetail } from '@/lib/api/nodes';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute, notFound } from '@/lib/api/route';
import { emptyQuerySchema, nodeParamsSchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:nodes',
    query: emptyQuerySchema,
    params: nodeParamsSchema,
    handle: async ({ sql, params }) => (await getNodeDetail(sql, params.id)) ?? notFound('No such node'),
  }),
});
