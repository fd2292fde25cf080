import type { IncomingMessage, ServerResponse } from 'node:http';
import { ENCODING_RELAY_HEADER, responseBuffer } from '../../lib/api/encoding';
import { API_CSP, SECURITY_HEADERS } from '../../lib/http/security-headers';

/**
 * The hottest public JSON routes, answered by their own route handlers (the same
 * modules Next.js runs: apiRoute with API keys, rate limits, ETags, compression,
 * metrics) straight from the web server, without Next.js' router in between. Next.js
 * spends several times the handler's own CPU per request on routing, which at
 * 1,000 req/s is the whole budget (issue 13; `npm run bench -- api` shows both).
 * Only exact paths of routes without path parameters; anything else, and any
 * request this cannot represent, goes to Next.js as before. The headers next.config
 * adds to /api responses are added here too.
 */
export interface FastRouteModule {
  GET: (request: Request) => Response | Promise<Response>;
  HEAD: (request: Request) => Response | Promise<Response>;
  OPTIONS: () => Response;
}

export type FastRoutes = Record<string, () => Promise<FastRouteModule>>;

const FAST_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The Request a route handler gets for this message; null when it cannot be built (then Next.js answers). */
function webRequest(message: IncomingMessage): Request | null {
  try {
    // The parsed headers: they hold the socket stamp the web server added.
    const headers = new Headers();
    for (const [name, value] of Object.entries(message.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
    }
    const url = new URL(message.url ?? '/', `http://${message.headers.host || 'localhost'}`);
    return new Request(url, { method: message.method, headers });
  } catch {
    return null;
  }
}

/** Answers the request when it is a GET/HEAD/OPTIONS of one of `routes`; false when Next.js should. */
export async function serveFastApi(message: IncomingMessage, response: ServerResponse, routes: FastRoutes): Promise<boolean> {
  if (!FAST_METHODS.has(message.method ?? '')) return false;
  const url = message.url ?? '';
  const queryAt = url.indexOf('?');
  const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
  if (!Object.hasOwn(routes, pathname)) return false;
  const load = routes[pathname]!;
  const request = webRequest(message);
  if (!request) return false;
  const route = await load();
  const answer = message.method === 'OPTIONS' ? route.OPTIONS() : await (message.method === 'HEAD' ? route.HEAD(request) : route.GET(request));
  const headers: Record<string, string | string[]> = {};
  for (const { key, value } of SECURITY_HEADERS) headers[key] = value;
  headers['Content-Security-Policy'] = API_CSP;
  answer.headers.forEach((value, name) => {
    if (name === ENCODING_RELAY_HEADER) return;
    headers[name] = value;
  });
  const direct = responseBuffer(answer);
  if (direct) void answer.body?.cancel();
  const body = message.method === 'HEAD' || answer.status === 304 || answer.status === 204 ? null : (direct ?? Buffer.from(await answer.arrayBuffer()));
  if (body) headers['content-length'] = String(body.byteLength);
  response.writeHead(answer.status, headers);
  response.end(body ?? undefined);
  return true;
}
