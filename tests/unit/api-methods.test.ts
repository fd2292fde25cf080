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

/**
 * Account routes are converted to routeMethods by the account API work (issue 11, account
 * half); until then Next.js answers their wrong methods with an empty 405.
 */
const ACCOUNT_ROUTES = /app\/api\/(admin|alerts|auth|keys|my-nodes|nodes\/register|verification)\//;

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
    const todo = ACCOUNT_ROUTES.test(file.split(path.sep).join('/')) ? 'account routes adopt routeMethods (account half of issue 11)' : undefined;
    it(`${file} exports every method (405 JSON, OPTIONS with Allow)`, { todo }, async () => {
      const module = (await import(path.resolve(file))) as Record<string, unknown>;
      for (const method of HTTP_METHODS) assert.equal(typeof module[method], 'function', `${file} ${method}`);
      const options = await (module.OPTIONS as () => Response | Promise<Response>)();
      assert.equal(options.status, 204);
      assert.ok(options.headers.get('allow'));
    });
  }
});
