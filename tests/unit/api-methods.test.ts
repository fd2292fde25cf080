import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import * as catchAll from '../../app/api/[...path]/route';
import { allowHeader, HTTP_METHODS, isMethodNotAllowedHandler, routeMethods } from '../../lib/api/methods';

function routeFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const full = path.join(folder, entry);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return entry === 'route.ts' ? [full] : [];
  });
}

describe('routeMethods', () => {
  const routes = routeMethods({ GET: async () => Response.json({ ok: true }) });

  it('answers a method the route lacks with 405 JSON, Allow and CORS headers', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const response = await routes[method](new Request('http://127.0.0.1/api/x', { method }));
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.get('allow'), 'GET, HEAD, OPTIONS');
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.equal(response.headers.get('content-type'), 'application/json');
      const body = (await response.json()) as { error: string; details: string };
      assert.deepEqual(Object.keys(body), ['error', 'details']);
      assert.match(body.details, new RegExp(`^${method} is not supported here; use GET, HEAD, OPTIONS$`));
      assert.ok(isMethodNotAllowedHandler(routes[method]));
    }
    assert.ok(!isMethodNotAllowedHandler(routes.GET));
  });

  it('answers OPTIONS with 204, Allow and the CORS preflight headers; HEAD is the GET', async () => {
    const preflight = routes.OPTIONS();
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('allow'), 'GET, HEAD, OPTIONS');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET, HEAD, OPTIONS');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    assert.equal(routes.HEAD, routes.GET);
    assert.equal(allowHeader(['POST']), 'POST, OPTIONS');
    assert.equal(allowHeader(['GET', 'DELETE', 'POST']), 'GET, HEAD, POST, DELETE, OPTIONS');
  });
});

describe('/api catch-all', () => {
  it('answers every method on an unknown /api path with 404 JSON and CORS, never HTML', async () => {
    for (const method of HTTP_METHODS) {
      const handler = (catchAll as unknown as Record<string, (request: Request) => Response>)[method]!;
      const response = await handler(new Request('http://127.0.0.1/api/no/such/thing', { method }));
      assert.equal(response.status, 404, method);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      const body = (await response.json()) as { error: string; details: string };
      assert.deepEqual(body, { error: 'Not found', details: 'No API endpoint at /api/no/such/thing; see /openapi.yaml' });
    }
  });
});

describe('every API route file', () => {
  for (const file of routeFiles('app/api').filter((f) => !f.includes('[...'))) {
    it(`${file} exports every method (405 JSON, OPTIONS with Allow)`, async () => {
      const module = (await import(path.resolve(file))) as Record<string, unknown>;
      for (const method of HTTP_METHODS) assert.equal(typeof module[method], 'function', `${file} ${method}`);
      const options = await (module.OPTIONS as () => Response | Promise<Response>)();
      assert.equal(options.status, 204);
      const allow = options.headers.get('allow') ?? '';
      assert.match(allow, /OPTIONS$/);
      assert.equal(options.headers.get('access-control-allow-methods'), allow);
      assert.equal(options.headers.get('access-control-allow-origin'), '*');
      for (const header of ['Authorization', 'Content-Type', 'X-API-Key']) {
        assert.ok(options.headers.get('access-control-allow-headers')?.includes(header), `${file} allows ${header}`);
      }
      const missing = (['POST', 'PUT', 'PATCH', 'DELETE'] as const).filter((method) => !allow.includes(method));
      for (const method of missing) {
        assert.ok(isMethodNotAllowedHandler(module[method]), `${file} ${method} is the 405 handler`);
        const response = await (module[method] as (request: Request) => Response)(new Request('http://127.0.0.1/api/x', { method }));
        assert.equal(response.status, 405);
        assert.equal(response.headers.get('allow'), allow);
        assert.equal(response.headers.get('access-control-allow-methods'), allow);
        assert.deepEqual(Object.keys((await response.json()) as object), ['error', 'details']);
      }
      for (const method of (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter((m) => allow.includes(m))) {
        assert.ok(!isMethodNotAllowedHandler(module[method]), `${file} ${method} is implemented`);
      }
    });
  }
});

describe('account routes through routeMethods', () => {
  it('narrow the account wrapper CORS method list to the methods the route has', async () => {
    const { badRequest, route } = await import('../../lib/http/http-error');
    const routes = routeMethods({ PUT: route(async () => Response.json({ ok: true })), DELETE: route(async () => { throw badRequest('No such thing.'); }) });
    const put = await routes.PUT(new Request('http://127.0.0.1/api/x', { method: 'PUT' }), {});
    assert.equal(put.status, 200);
    assert.equal(put.headers.get('access-control-allow-methods'), 'PUT, DELETE, OPTIONS');
    assert.equal(put.headers.get('access-control-allow-origin'), '*');
    const failed = await routes.DELETE(new Request('http://127.0.0.1/api/x', { method: 'DELETE' }), {});
    assert.equal(failed.status, 400);
    assert.equal(failed.headers.get('access-control-allow-methods'), 'PUT, DELETE, OPTIONS');
    const wrong = await routes.GET(new Request('http://127.0.0.1/api/x', { method: 'GET' }));
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'PUT, DELETE, OPTIONS');
  });
});
