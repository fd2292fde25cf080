import { routeMethods } from '@/lib/api/methods';
import { apiRoute } from '@/lib/api/route';
import { getEvents } from '@/lib/events/api';
import { eventsQuerySchema } from '@/lib/events/schemas';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:nodes',
    query: eventsQuerySchema,
    handle: ({ sql, query }) => getEvents(sql, query),
  }),
});
