import { jsonError } from '../http/responses';
import { corsHeaders, NO_STORE, PUBLIC_CACHE_CONTROL, withHeaders } from './headers';

/**
 * Every method a route file exports, so no request ever reaches Next.js' empty
 * 405: the methods a route implements, HEAD (its GET), OPTIONS (CORS preflight
 * with `Allow`) and, for every other method, 405 JSON {"error","details"} with
 * `Allow` and CORS headers.
 *
 *   export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({ GET: apiRoute({...}) });
 */
export type ImplementedMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

// Next.js passes (request, context); handlers take whichever they need.
type Handler = (...args: any[]) => Response | Promise<Response>;

const NOT_IMPLEMENTED = Symbol.for('peerscope.methodNotAllowed');

/** True for the 405 handlers routeMethods fills in (the OpenAPI test skips them). */
export function isMethodNotAllowedHandler(value: unknown): boolean {
  return typeof value === 'function' && (value as unknown as Record<symbol, unknown>)[NOT_IMPLEMENTED] === true;
}

/** The Allow list of a route that implements `methods`. */
export function allowHeader(methods: readonly string[]): string {
  const allowed = new Set<string>([...methods, 'OPTIONS']);
  if (allowed.has('GET')) allowed.add('HEAD');
  return HTTP_METHODS.filter((method) => allowed.has(method)).join(', ');
}

/** 405 JSON for a method the route does not implement. */
export function methodNotAllowed(allow: string): Handler {
  const handler = (request?: Request) =>
    withHeaders(
      jsonError(405, 'Method not allowed', `${request?.method ?? 'This method'} is not supported here; use ${allow}`),
      { ...corsHeaders(allow), Allow: allow, 'Cache-Control': NO_STORE },
    );
  return Object.assign(handler, { [NOT_IMPLEMENTED]: true });
}

/** 204 answer to a CORS preflight (and a plain OPTIONS) with `Allow`. */
export function preflightResponse(allow: string): Response {
  return new Response(null, { status: 204, headers: { ...corsHeaders(allow), Allow: allow, 'Cache-Control': PUBLIC_CACHE_CONTROL } });
}

/** Sets the route's own method list on a handler's CORS headers (the account wrapper's default names them all). */
function withAllowedMethods(handler: Handler, allow: string): Handler {
  const setMethods = (response: Response) => {
    try {
      response.headers.set('Access-Control-Allow-Methods', allow);
    } catch {
      // Immutable headers (a redirect): leave them as they are.
    }
    return response;
  };
  return (...args) => {
    const response = handler(...args);
    return response instanceof Promise ? response.then(setMethods) : setMethods(response);
  };
}

type Methods<H extends Partial<Record<ImplementedMethod, Handler>>> = {
  [M in ImplementedMethod]: M extends keyof H ? NonNullable<H[M]> : Handler;
} & { HEAD: Handler; OPTIONS: () => Response };

export function routeMethods<H extends Partial<Record<ImplementedMethod, Handler>>>(handlers: H): Methods<H> {
  const implemented = (Object.keys(handlers) as ImplementedMethod[]).filter((method) => typeof handlers[method] === 'function');
  const allow = allowHeader(implemented);
  const notAllowed = methodNotAllowed(allow);
  const pick = (method: ImplementedMethod) => {
    const handler = handlers[method];
    return handler ? withAllowedMethods(handler, allow) : notAllowed;
  };
  const get = pick('GET');
  return {
    GET: get,
    HEAD: get,
    POST: pick('POST'),
    PUT: pick('PUT'),
    PATCH: pick('PATCH'),
    DELETE: pick('DELETE'),
    OPTIONS: () => preflightResponse(allow),
  } as Methods<H>;
}

/** Handlers for the /api catch-all: every method answers 404 JSON naming the path. */
export function notFoundEverywhere(): Record<(typeof HTTP_METHODS)[number], Handler> {
  const handler = (request?: Request) => {
    const path = request ? new URL(request.url).pathname.slice(0, 200) : 'this path';
    return withHeaders(jsonError(404, 'Not found', `No API endpoint at ${path}; see /openapi.yaml`), {
      ...corsHeaders(),
      'Cache-Control': NO_STORE,
    });
  };
  return Object.fromEntries(HTTP_METHODS.map((method) => [method, handler])) as Record<(typeof HTTP_METHODS)[number], Handler>;
}
