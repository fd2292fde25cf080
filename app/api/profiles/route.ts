import { routeMethods } from '@/lib/api/methods';
import { apiRoute } from '@/lib/api/route';
import { profilesListQuerySchema } from '@/lib/profiles/schemas';
import { listProfiles } from '@/lib/profiles/service';

export const dynamic = 'force-dynamic';

/** GET /api/profiles?page=&limit=: approved operator profiles, newest approval first (scope read:profiles). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:profiles',
    query: profilesListQuerySchema,
    handle: ({ sql, query }) => listProfiles(sql, query),
  }),
});
