import { routeMethods } from '@/lib/api/methods';
import { apiRoute, notFound } from '@/lib/api/route';
import { emptyQuerySchema, invParamsSchema } from '@/lib/api/schemas';
import { getInvPropagation } from '@/lib/propagation/api';

export const dynamic = 'force-dynamic';

/** Bitnodes v1 data propagation of one inv: who announced it when, and the delay statistics. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:stats',
    query: emptyQuerySchema,
    params: invParamsSchema,
    handle: async ({ sql, params }) => (await getInvPropagation(sql, params.hash)) ?? notFound('No propagation data for this hash'),
  }),
});
