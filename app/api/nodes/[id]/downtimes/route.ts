import { preflight } from '@/lib/api/headers';
import { getNodeDowntimes } from '@/lib/api/history';
import { findNode } from '@/lib/api/nodes';
import { apiRoute, notFound } from '@/lib/api/route';
import { downtimesQuerySchema, nodeParamsSchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  scope: 'read:nodes',
  query: downtimesQuerySchema,
  params: nodeParamsSchema,
  handle: async ({ sql, params, query }) => {
    const node = await findNode(sql, params.id);
    if (!node) return notFound('No such node');
    return getNodeDowntimes(sql, node.id, query);
  },
});

export const OPTIONS = preflight();
