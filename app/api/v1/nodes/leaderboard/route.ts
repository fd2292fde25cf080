import { getBitnodesLeaderboard } from '@/lib/api/bitnodes';
import { publicUrl } from '@/lib/api/base-url';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute } from '@/lib/api/route';
import { bitnodesListQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:leaderboard',
    query: bitnodesListQuerySchema,
    handle: ({ sql, query, request, url }) => getBitnodesLeaderboard(sql, query, publicUrl(request, url.pathname)),
  }),
});
