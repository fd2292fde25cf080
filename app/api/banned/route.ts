import { listPublicBans } from '@/lib/bans/store';
import { publicBansQuerySchema } from '@/lib/bans/schemas';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute } from '@/lib/api/route';

export const dynamic = 'force-dynamic';

/** GET /api/banned: the active ban and hide entries with their reasons (never who made them). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:nodes',
    query: publicBansQuerySchema,
    handle: ({ sql, query }) => listPublicBans(sql, query),
  }),
});
