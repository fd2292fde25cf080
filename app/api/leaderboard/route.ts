import { getLeaderboard } from '@/lib/api/leaderboard';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute } from '@/lib/api/route';
import { leaderboardQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:leaderboard',
    query: leaderboardQuerySchema,
    handle: ({ sql, query }) => getLeaderboard(sql, query),
  }),
});
