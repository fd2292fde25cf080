import { preflight } from '@/lib/api/headers';
import { getNodeDetail } from '@/lib/api/nodes';
import { apiRoute, notFound } from '@/lib/api/route';
import { emptyQuerySchema, nodeParamsSchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  scope: 'read:nodes',
  query: emptyQuerySchema,
  params: nodeParamsSchema,
  handle: async ({ sql, params }) => (await getNodeDetail(sql, params.id)) ?? notFound('No such node'),
});

export const OPTIONS = preflight();
