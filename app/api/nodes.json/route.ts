import { PreparedJson } from '@/lib/api/etag';
import { listNodes } from '@/lib/api/nodes';
import { cachedResponse } from '@/lib/api/response-cache';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute } from '@/lib/api/route';
import { nodesQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:nodes',
    query: nodesQuerySchema,
    handle: ({ sql, query }) => cachedResponse(`nodes.json ${JSON.stringify(query)}`, async () => PreparedJson.of(await listNodes(sql, query))),
  }),
});
