import { getChainConfig } from '@/lib/api/chain-config';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute } from '@/lib/api/route';
import { chainConfigQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:stats',
    query: chainConfigQuerySchema,
    handle: ({ sql }) => getChainConfig(sql),
  }),
});
