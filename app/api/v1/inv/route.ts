import { publicUrl } from '@/lib/api/base-url';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute } from '@/lib/api/route';
import { bitnodesListQuerySchema } from '@/lib/api/schemas';
import { listInvs } from '@/lib/propagation/api';

export const dynamic = 'force-dynamic';

/** Bitnodes v1 data propagation list: recent block and sampled transaction hashes, newest first. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:stats',
    query: bitnodesListQuerySchema,
    handle: ({ sql, query, request, url }) => listInvs(sql, query, publicUrl(request, url.pathname)),
  }),
});
