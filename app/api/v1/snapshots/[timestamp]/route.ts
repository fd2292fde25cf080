import { getBitnodesSnapshot } from '@/lib/api/bitnodes';
import { preflight } from '@/lib/api/headers';
import { apiRoute, notFound } from '@/lib/api/route';
import { bitnodesSnapshotQuerySchema, snapshotParamsSchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  scope: 'read:nodes',
  query: bitnodesSnapshotQuerySchema,
  params: snapshotParamsSchema,
  handle: async ({ sql, query, params }) =>
    (await getBitnodesSnapshot(sql, params.timestamp, query)) ?? notFound(`No snapshot at ${params.timestamp}`),
});

export const OPTIONS = preflight();
