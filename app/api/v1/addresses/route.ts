import { listBitnodesAddresses } from '@/lib/api/bitnodes';
import { publicUrl } from '@/lib/api/base-url';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute } from '@/lib/api/route';
import { bitnodesAddressesQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

/** Bitnodes v1: every observed address, paged, optionally matching `q`. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:nodes',
    query: bitnodesAddressesQuerySchema,
    handle: ({ sql, query, request, url }) => listBitnodesAddresses(sql, query, publicUrl(request, url.pathname)),
  }),
});
