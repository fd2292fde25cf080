import { getBitnodesLeaderboard } from '@/lib/api/bitnodes';
import { publicUrl } from '@/lib/api/base-url';
import { preflight } from '@/lib/api/headers';
import { apiRoute } from '@/lib/api/route';
import { bitnodesListQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  scope: 'read:leaderboard',
  query: bitnodesListQuerySchema,
  handle: ({ sql, query, request, url }) => getBitnodesLeaderboard(sql, query, publicUrl(request, url.pathname)),
});

export const OPTIONS = preflight();
