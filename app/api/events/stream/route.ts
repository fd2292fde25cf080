import { preflight } from '@/lib/api/headers';
import { apiRoute, clientIp } from '@/lib/api/route';
import { openEventStreamResponse } from '@/lib/events/api';
import { eventStreamQuerySchema } from '@/lib/events/schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = apiRoute({
  scope: 'read:nodes',
  query: eventStreamQuerySchema,
  handle: ({ sql, query, request }) => openEventStreamResponse(sql, query, request, clientIp(request.headers)),
});

export const OPTIONS = preflight();
