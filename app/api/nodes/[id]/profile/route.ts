import { findNode } from '@/lib/api/nodes';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute, notFound } from '@/lib/api/route';
import { emptyQuerySchema, nodeParamsSchema } from '@/lib/api/schemas';
import { liveProfile } from '@/lib/profiles/service';

export const dynamic = 'force-dynamic';

/** GET /api/nodes/{id}/profile: the node operator's approved profile {profile} (scope read:profiles). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:profiles',
    query: emptyQuerySchema,
    params: nodeParamsSchema,
    handle: async ({ sql, params }) => {
      const node = await findNode(sql, params.id);
      if (!node) return notFound('No such node');
      const profile = await liveProfile(sql, String(node.id));
      return profile ? { profile } : notFound('This node has no approved operator profile');
    },
  }),
});
