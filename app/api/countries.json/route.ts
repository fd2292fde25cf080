import { getCountries } from '@/lib/api/countries';
import { preflight } from '@/lib/api/headers';
import { apiRoute } from '@/lib/api/route';
import { countriesQuerySchema } from '@/lib/api/schemas';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({
  scope: 'read:stats',
  query: countriesQuerySchema,
  handle: ({ sql, query }) => getCountries(sql, query),
});

export const OPTIONS = preflight();
