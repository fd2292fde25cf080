import { DatabaseUnavailableError } from '../db/client';
import { DatabaseConfigError } from '../db/config';
import { jsonError } from '../http/responses';

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED',
  'CONNECTION_ENDED', 'CONNECTION_DESTROYED', '57P01', '57P03', '53300', '3D000', '28P01', '28000',
]);

/** True for failures of the database connection rather than of a query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError || error instanceof DatabaseConfigError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNAVAILABLE_CODES.has(code);
}

/** A failure inside a handler, as JSON that never shows internals (they go to the server log). */
export function errorResponse(error: unknown, where: string): Response {
  if (isDatabaseUnavailable(error)) {
    console.error(`[api] ${where}: database unavailable:`, (error as Error)?.message ?? error);
    return jsonError(503, 'Service unavailable', 'The database is unavailable; try again shortly');
  }
  console.error(`[api] ${where}:`, error);
  return jsonError(500, 'Internal server error', 'An unexpected error occurred');
}
