import { listBitnodesSnapshots } from '@/lib/api/bitnodes';
import { preflight } from '@/lib/api/headers';
import { apiRoute } from '@/lib/api/route';
import { bitnodesListQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  scope: 'read:nodes',
  query: bitnodesListQuerySchema,
  handle: ({ sql, query, url }) => listBitnodesSnapshots(sql, query, url),
});

export const OPTIONS = preflight();
