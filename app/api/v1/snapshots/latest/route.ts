import { getBitnodesSnapshot } from '@/lib/api/bitnodes';
import { preflight } from '@/lib/api/headers';
import { apiRoute, notFound } from '@/lib/api/route';
import { bitnodesSnapshotQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  scope: 'read:nodes',
  query: bitnodesSnapshotQuerySchema,
  handle: async ({ sql, query }) => (await getBitnodesSnapshot(sql, 'latest', query)) ?? notFound('No snapshot has been taken yet'),
});

export const OPTIONS = preflight();
