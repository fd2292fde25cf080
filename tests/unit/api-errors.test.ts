import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GET as getNodes } from '../../app/api/nodes.json/route';
import { GET as getStats } from '../../app/api/stats.json/route';
import { releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';

describe('API when the database is unreachable', () => {
  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    await useDatabaseForRoutes('postgres://postgres@127.0.0.1:1/nowhere');
  });
  after(() => releaseRoutes());

  it('answers 503 JSON with the headers and no internals', async () => {
    const original = console.error;
    console.error = () => {};
    try {
      for (const handler of [getNodes, getStats]) {
        const response = await handler(request('/api/x'));
        assert.equal(response.status, 503);
        const body = (await response.json()) as any;
        assert.deepEqual(body, { error: 'Service unavailable', details: 'The database is unavailable; try again shortly' });
        assert.equal(response.headers.get('access-control-allow-origin'), '*');
        assert.equal(response.headers.get('cache-control'), 'no-store');
        assert.ok(response.headers.get('x-ratelimit-limit'));
      }
    } finally {
      console.error = original;
    }
  });

  it('answers 503 when DATABASE_URL is not set at all', async () => {
    await releaseRoutes();
    const original = console.error;
    console.error = () => {};
    try {
      const response = await getNodes(request('/api/nodes.json'));
      assert.equal(response.status, 503);
    } finally {
      console.error = original;
    }
  });
});

describe('database outages look the same from every route wrapper', () => {
  it('answers 503 for connection-level failures and 500 for other errors, in both wrappers', async () => {
    const { errorResponse: apiErrorResponse } = await import('../../lib/api/errors');
    const { errorResponse: accountErrorResponse } = await import('../../lib/http/http-error');
    const outage = Object.assign(new Error('connection closed'), { code: 'CONNECTION_CLOSED' });
    const bug = new TypeError('x is undefined');
    const originalError = console.error;
    console.error = () => {};
    try {
      assert.equal(apiErrorResponse(outage, 'test').status, 503);
      assert.equal(accountErrorResponse(outage).status, 503);
      assert.equal(apiErrorResponse(bug, 'test').status, 500);
      assert.equal(accountErrorResponse(bug).status, 500);
      assert.deepEqual(Object.keys(await accountErrorResponse(outage).json()), ['error', 'details']);
    } finally {
      console.error = originalError;
    }
  });
});
