import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { resolveSafeAddress, safeFetch, UnsafeDestinationError } from '../../lib/net/safe-fetch';

describe('SSRF-safe fetch', () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((request, response) => {
      if (request.url === '/redirect') response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      else if (request.url === '/big') response.end('x'.repeat(100_000));
      else if (request.url === '/slow') setTimeout(() => response.end('late'), 2000);
      else response.end('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses loopback without the allowance, and private and metadata addresses always', async () => {
    await assert.rejects(safeFetch(`${base}/`), UnsafeDestinationError);
    await assert.rejects(safeFetch('http://localhost:1/'), UnsafeDestinationError);
    await assert.rejects(safeFetch('http://169.254.169.254/latest/meta-data/', { allowLoopback: true }), /link-local/);
    await assert.rejects(safeFetch('http://[::ffff:10.0.0.1]/', { allowLoopback: true }), /private/);
    await assert.rejects(safeFetch('http://user:pw@example.com/'), /credentials/);
    await assert.rejects(safeFetch('ftp://example.com/'), /http/);
    await assert.rejects(safeFetch('http://example.com/', { requireHttps: true }), /https/);
    // A name that resolves to any private address is refused (DNS seam).
    await assert.rejects(
      resolveSafeAddress('rebind.example', { resolver: async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }] }),
      /private/,
    );
    assert.deepEqual(await resolveSafeAddress('ok.example', { resolver: async () => [{ address: '93.184.216.34', family: 4 }] }), { address: '93.184.216.34', family: 4 });
  });

  it('fetches from loopback with the allowance, pins the resolved address, never follows redirects, caps size, times out', async () => {
    const ok = await safeFetch(`${base}/`, { allowLoopback: true });
    assert.equal(ok.body, 'hello');
    const port = new URL(base).port;
    const pinned = await safeFetch(`http://receiver.test:${port}/`, { allowLoopback: true, resolver: async () => [{ address: '127.0.0.1', family: 4 }] });
    assert.equal(pinned.body, 'hello');
    const redirect = await safeFetch(`${base}/redirect`, { allowLoopback: true });
    assert.equal(redirect.status, 302);
    const big = await safeFetch(`${base}/big`, { allowLoopback: true, maxBytes: 1000 });
    assert.equal(big.body.length, 1000);
    assert.equal(big.truncated, true);
    await assert.rejects(safeFetch(`${base}/slow`, { allowLoopback: true, timeoutMs: 200 }), /timed out/);
  });
});
