import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync } from 'node:zlib';
import { takeNetworkSnapshot } from '../../lib/snapshots/take';
import { PEER_HEADER, PEER_KEY_ENV, peerHeaderValue } from '../../lib/http/client-ip';
import { API_CSP, SECURITY_HEADERS } from '../../lib/http/security-headers';
import { serveFastApi, type FastRoutes } from '../../scripts/lib/api-fast-path';
import { insertNode, releaseRoutes, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

const ROUTES: FastRoutes = {
  '/api/stats.json': () => import('../../app/api/stats.json/route'),
  '/api/nodes.json': () => import('../../app/api/nodes.json/route'),
  '/api/v1/snapshots/latest/': () => import('../../app/api/v1/snapshots/latest/route'),
};

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The web server's fast path for public JSON routes (scripts/lib/api-fast-path.ts), over real HTTP. */
describe(`API fast path of the web server on ${testBackend()}`, () => {
  let database: TestDatabase;
  let server: Server;
  let port = 0;

  const call = (method: string, path: string, headers: Record<string, string> = {}) =>
    new Promise<Answer>((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      });
      outgoing.on('error', reject);
      outgoing.end();
    });

  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    database = await openMigratedTestDatabase();
    for (let index = 0; index < 30; index += 1) {
      await insertNode(database.sql, { ip: `203.0.113.${index + 1}`, country: 'DE', country_name: 'Germany', tier: 'gold', user_agent: `/Satoshi:2${index % 5}.0.0/`, height: 900 });
    }
    await takeNetworkSnapshot(database.sql, { now: new Date(Date.now() - 10_000) });
    await useDatabaseForRoutes(database.url);
    server = createServer((message, response) => {
      // As scripts/web-server.ts: stamp the socket's address, then the fast path, else "Next.js".
      message.headers[PEER_HEADER] = peerHeaderValue(process.env[PEER_KEY_ENV]!, message.socket.remoteAddress ?? '', 'http');
      void serveFastApi(message, response, ROUTES).then((served) => {
        if (!served) response.writeHead(418, { 'x-answered-by': 'next' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await releaseRoutes();
    await database.close();
  });

  it('answers with the route handler: br body, ETag, Vary, the API headers of next.config, no relay header', async () => {
    const answer = await call('GET', '/api/nodes.json', { 'accept-encoding': 'gzip, br' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-encoding'], 'br');
    assert.equal(Number(answer.headers['content-length']), answer.body.byteLength);
    const body = JSON.parse(brotliDecompressSync(answer.body).toString('utf8'));
    assert.equal(body.total_nodes, 30);
    assert.match(String(answer.headers.etag), /^"[A-Za-z0-9_-]{32}-br"$/);
    assert.equal(answer.headers.vary, 'Accept-Encoding');
    assert.equal(answer.headers['content-security-policy'], API_CSP);
    for (const { key, value } of SECURITY_HEADERS) assert.equal(answer.headers[key.toLowerCase()], value, key);
    assert.equal(answer.headers['x-peerscope-content-encoding'], undefined);
    assert.ok(answer.headers['x-ratelimit-limit'], 'rate limited as through Next.js');
    const revalidated = await call('GET', '/api/nodes.json', { 'if-none-match': String(answer.headers.etag) });
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.body.byteLength, 0);
  });

  it('passes the query, answers HEAD without a body, OPTIONS with Allow, bad parameters with a 400', async () => {
    const one = await call('GET', '/api/nodes.json?limit=1');
    assert.equal(one.status, 200);
    assert.equal(Object.keys(JSON.parse(one.body.toString('utf8')).nodes).length, 1);
    const head = await call('HEAD', '/api/nodes.json?limit=1');
    assert.equal(head.status, 200);
    assert.equal(head.body.byteLength, 0);
    const options = await call('OPTIONS', '/api/v1/snapshots/latest/');
    assert.equal(options.status, 204);
    assert.match(String(options.headers.allow), /GET/);
    const bad = await call('GET', '/api/nodes.json?tier=nope');
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(JSON.parse(bad.body.toString('utf8'))), ['error', 'details']);
  });

  it('leaves every other method and path to Next.js', async () => {
    for (const [method, path] of [
      ['POST', '/api/stats.json'],
      ['DELETE', '/api/nodes.json'],
      ['GET', '/api/stats.json/'],
      ['GET', '/api/countries.json'],
      ['GET', '/api/v1/snapshots/latest'],
      ['GET', '/api/stats.jsonx'],
      ['GET', '/api/constructor'],
      ['GET', '/'],
    ] as const) {
      const answer = await call(method, path);
      assert.equal(answer.headers['x-answered-by'], 'next', `${method} ${path}`);
    }
  });
});
