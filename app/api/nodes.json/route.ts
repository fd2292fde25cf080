import { preflight } from '@/lib/api/headers';
import { listNodes } from '@/lib/api/nodes';
import { apiRoute } from '@/lib/api/route';
import { nodesQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  scope: 'read:nodes',
  query: nodesQuerySchema,
  handle: ({ sql, query }) => listNodes(sql, query),
});

export const OPTIONS = preflight();
