import { routeMethods } from '@/lib/api/methods';
import { apiRoute } from '@/lib/api/route';
import { statsQuerySchema } from '@/lib/api/schemas';
import { getStatsAnswer } from '@/lib/api/stats';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:stats',
    query: statsQuerySchema,
    handle: ({ sql, query }) => getStatsAnswer(sql, query),
  }),
});
