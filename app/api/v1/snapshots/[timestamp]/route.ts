import { getBitnodesSnapshotAt } from '@/lib/api/bitnodes';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute, notFound } from '@/lib/api/route';
import { bitnodesSnapshotQuerySchema, snapshotParamsSchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:nodes',
    query: bitnodesSnapshotQuerySchema,
    params: snapshotParamsSchema,
    handle: async ({ sql, query, params }) =>
      (await getBitnodesSnapshotAt(sql, params.timestamp, query)) ?? notFound(`No snapshot at ${params.timestamp}`),
  }),
});
