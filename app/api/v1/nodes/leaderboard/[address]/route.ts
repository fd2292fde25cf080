import { bitnodesLeaderboardEntry } from '@/lib/api/bitnodes';
import { findNode } from '@/lib/api/nodes';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute, notFound } from '@/lib/api/route';
import { bitnodesNodeParamsSchema, emptyQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

/** Bitnodes v1 node ranking: the node's leaderboard entry; 404 for an unknown or unranked node. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:leaderboard',
    query: emptyQuerySchema,
    params: bitnodesNodeParamsSchema,
    handle: async ({ sql, params }) => {
      const node = await findNode(sql, params.address);
      return (node && (await bitnodesLeaderboardEntry(sql, node))) ?? notFound('No such ranked node (only nodes that are up and scored are ranked)');
    },
  }),
});
