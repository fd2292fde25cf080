import { preflight } from '@/lib/api/headers';
import { apiRoute } from '@/lib/api/route';
import { statsQuerySchema } from '@/lib/api/schemas';
import { getStats } from '@/lib/api/stats';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  scope: 'read:stats',
  query: statsQuerySchema,
  handle: ({ sql, query }) => getStats(sql, query),
});

export const OPTIONS = preflight();
