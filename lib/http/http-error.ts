import { ZodError, type ZodType } from 'zod';
import { isDatabaseUnavailable } from '../db/client';
import { describeNul } from './nul';
import { corsHeaders } from '../api/headers';
import { describeZodError, jsonError } from './responses';

/** An error that becomes a JSON error response {"error","details"} with its status. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly error: string,
    readonly details: string,
    readonly headers?: Record<string, string>,
  ) {
    super(`${status} ${error}: ${details}`);
  }
}

export const badRequest = (details: string) => new HttpError(400, 'Bad request', details);
export const notFound = (what: string) => new HttpError(404, 'Not found', `${what} was not found.`);
export const conflict = (details: string) => new HttpError(409, 'Conflict', details);
export const tooManyRequests = (details: string, retryAfterSeconds: number) =>
  new HttpError(429, 'Too many requests', details, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });

/** Turns any thrown value into a response; unexpected errors are logged and never leaked. */
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) return jsonError(error.status, error.error, error.details, error.headers);
  if (error instanceof ZodError) return jsonError(400, 'Invalid request', describeZodError(error));
  if (isDatabaseUnavailable(error)) {
    console.error('Database unavailable in route handler:', (error as Error)?.message ?? error);
    return jsonError(503, 'Service unavailable', 'The database is not reachable right now.');
  }
  console.error('Unhandled error in route handler:', error);
  return jsonError(500, 'Internal error', 'Something went wrong on our side.');
}

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/**
 * CORS (any origin, no credentials: cookies are never sent cross-site) and no-store unless the handler chose a cache
 * policy. Route files export their handlers through routeMethods (lib/api/methods.ts), which narrows
 * Access-Control-Allow-Methods to the route's own methods and answers OPTIONS and wrong methods.
 */
function withAccountHeaders(response: Response): Response {
  try {
    for (const [name, value] of Object.entries(corsHeaders('GET, POST, PUT, PATCH, DELETE, OPTIONS'))) response.headers.set(name, value);
    if (!response.headers.has('cache-control')) response.headers.set('Cache-Control', 'no-store');
  } catch {
    // Immutable headers (a redirect): leave them as they are.
  }
  return response;
}

/** Wraps a route handler so every failure answers {"error","details"} with the right status; every answer carries CORS headers. */
export function route<C = unknown>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return withAccountHeaders(await handler(request, context));
    } catch (error) {
      return withAccountHeaders(errorResponse(error));
    }
  };
}

/** Reads and validates a JSON body; 400 on malformed JSON or schema errors, 413 when too large. */
export async function readJson<T>(request: Request, schema: ZodType<T>, maxBytes = 64 * 1024): Promise<T> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new HttpError(413, 'Payload too large', `The body must be at most ${maxBytes} bytes.`);
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw new HttpError(413, 'Payload too large', `The body must be at most ${maxBytes} bytes.`);
  let value: unknown;
  try {
    value = text.length ? JSON.parse(text) : {};
  } catch {
    throw badRequest('The body must be valid JSON.');
  }
  const nul = describeNul(value);
  if (nul) throw new HttpError(400, 'Invalid request', `Validation failed: ${nul}`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, 'Invalid request', describeZodError(parsed.error));
  return parsed.data;
}

/** Validates URL search parameters against a schema (all values arrive as strings). */
export function readQuery<T>(request: Request, schema: ZodType<T>): T {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const nul = describeNul(params);
  if (nul) throw new HttpError(400, 'Invalid request', `Validation failed: ${nul}`);
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new HttpError(400, 'Invalid request', describeZodError(parsed.error));
  return parsed.data;
}

/** Parses a route id parameter with a schema; a malformed id is a 404 (nothing can have it). */
export function parseId<T>(value: string, schema: ZodType<T>, what: string): T {
  if (typeof value === 'string' && value.includes('\u0000')) throw notFound(what);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw notFound(what);
  return parsed.data;
}
