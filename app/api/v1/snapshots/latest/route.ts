import { getLatestBitnodesSnapshot } from '@/lib/api/bitnodes';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute, notFound } from '@/lib/api/route';
import { bitnodesSnapshotQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:nodes',
    query: bitnodesSnapshotQuerySchema,
    handle: async ({ sql, query }) => (await getLatestBitnodesSnapshot(sql, query)) ?? notFound('No snapshot has been taken yet'),
  }),
});
