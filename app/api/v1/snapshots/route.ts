import { listBitnodesSnapshots } from '@/lib/api/bitnodes';
import { publicUrl } from '@/lib/api/base-url';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute } from '@/lib/api/route';
import { bitnodesListQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:nodes',
    query: bitnodesListQuerySchema,
    handle: ({ sql, query, request, url }) => listBitnodesSnapshots(sql, query, publicUrl(request, url.pathname)),
  }),
});
