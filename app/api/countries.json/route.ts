import { getCountriesAnswer } from '@/lib/api/countries';
import { routeMethods } from '@/lib/api/methods';
import { apiRoute } from '@/lib/api/route';
import { countriesQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute({
    scope: 'read:stats',
    query: countriesQuerySchema,
    handle: ({ sql, query }) => getCountriesAnswer(sql, query),
  }),
});
