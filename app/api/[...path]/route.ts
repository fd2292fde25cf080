import { notFoundEverywhere } from '@/lib/api/methods';

export const dynamic = 'force-dynamic';

/** Any /api/... path no route file serves: 404 JSON {"error","details"} for every method, never an HTML page. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = notFoundEverywhere();
