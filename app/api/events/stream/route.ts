import { routeMethods } from '@/lib/api/methods';
import { apiRoute, clientIp } from '@/lib/api/route';
import { openEventStreamResponse } from '@/lib/events/api';
import { eventStreamQuerySchema } from '@/lib/events/schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:nodes',
    query: eventStreamQuerySchema,
    handle: ({ sql, query, request }) => openEventStreamResponse(sql, query, request, clientIp(request.headers)),
  }),
});
