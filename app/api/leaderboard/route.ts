import { preflight } from '@/lib/api/headers';
import { getLeaderboard } from '@/lib/api/leaderboard';
import { apiRoute } from '@/lib/api/route';
import { leaderboardQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  scope: 'read:leaderboard',
  query: leaderboardQuerySchema,
  handle: ({ sql, query }) => getLeaderboard(sql, query),
});

export const OPTIONS = preflight();
