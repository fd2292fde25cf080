import { isDatabaseUnavailable } from '../db/client';
import { jsonError } from '../http/responses';

/** A failure inside a handler, as JSON that never shows internals (they go to the server log). */
export function errorResponse(error: unknown, where: string): Response {
  if (isDatabaseUnavailable(error)) {
    console.error(`[api] ${where}: database unavailable:`, (error as Error)?.message ?? error);
    return jsonError(503, 'Service unavailable', 'The database is unavailable; try again shortly');
  }
  console.error(`[api] ${where}:`, error);
  return jsonError(500, 'Internal server error', 'An unexpected error occurred');
}

