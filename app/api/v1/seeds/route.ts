import { routeMethods } from '@/lib/api/methods';
import { apiRoute } from '@/lib/api/route';
import { listSeeds, seedsQuerySchema, seedsZone } from '@/lib/api/seeds';

export const dynamic = 'force-dynamic';

/** Good peers for bootstrapping (a DNS seeder's answer): JSON, or with ?format=zone a BIND zone (text/plain). */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:nodes',
    query: seedsQuerySchema,
    handle: async ({ sql, query }) => {
      const seeds = await listSeeds(sql, query);
      if (query.format !== 'zone') return seeds;
      return new Response(seedsZone(seeds), { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    },
  }),
});
