import { preflight } from '@/lib/api/headers';
import { apiRoute } from '@/lib/api/route';
import { getEvents } from '@/lib/events/api';
import { eventsQuerySchema } from '@/lib/events/schemas';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  scope: 'read:nodes',
  query: eventsQuerySchema,
  handle: ({ sql, query }) => getEvents(sql, query),
});

export const OPTIONS = preflight();
