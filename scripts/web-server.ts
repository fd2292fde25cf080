/**
 * The web app's HTTP server (what `npm start` runs instead of `next start`): Next.js
 * in-process behind a plain node:http server that stamps each request with the TCP
 * peer's address and scheme (x-peerscope-peer, keyed by a per-start secret), so the
 * app can tell the real client from a forged X-Forwarded-For (lib/http/client-ip.ts).
 *
 *   tsx scripts/web-server.ts [--dev] --port 3000 --hostname 127.0.0.1
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { parseArgs } from 'node:util';
import { ENCODING_RELAY_HEADER } from '../lib/api/encoding';
import { newPeerKey, PEER_HEADER, PEER_KEY_ENV, peerHeaderValue } from '../lib/http/client-ip';
import { serveFastApi, type FastRoutes } from './lib/api-fast-path';

const { values } = parseArgs({
  options: {
    dev: { type: 'boolean', default: false },
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    hostname: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
  },
});

// Made before Next loads, so route handlers in this process read the same key.
const key = newPeerKey();
process.env[PEER_KEY_ENV] = key;

function stamp(request: IncomingMessage): void {
  delete request.headers[PEER_HEADER];
  const encrypted = (request.socket as TLSSocket).encrypted === true;
  request.headers[PEER_HEADER] = peerHeaderValue(key, request.socket.remoteAddress ?? '', encrypted ? 'https' : 'http');
}

/**
 * Next.js drops Content-Encoding from route handler responses; the API labels its
 * pre-encoded bodies with ENCODING_RELAY_HEADER instead, which becomes Content-Encoding
 * here, before the response starts (so Next.js' gzip sees an encoded body and leaves it alone).
 */
function relayContentEncoding(response: ServerResponse): void {
  const setHeader = response.setHeader.bind(response);
  response.setHeader = ((name: string, value: number | string | readonly string[]) => {
    if (name.toLowerCase() !== ENCODING_RELAY_HEADER) return setHeader(name, value);
    const coding = String(Array.isArray(value) ? value[0] : value);
    return coding === 'br' || coding === 'gzip' ? setHeader('Content-Encoding', coding) : response;
  }) as ServerResponse['setHeader'];
}

/** Public JSON routes served without Next.js' router (scripts/lib/api-fast-path.ts); PEERSCOPE_API_FAST_PATH=0 turns it off. */
const FAST_ROUTES: FastRoutes = {
  '/api/stats.json': () => import('../app/api/stats.json/route'),
  '/api/countries.json': () => import('../app/api/countries.json/route'),
  '/api/nodes.json': () => import('../app/api/nodes.json/route'),
  '/api/v1/snapshots/latest/': () => import('../app/api/v1/snapshots/latest/route'),
  '/api/v1/snapshots/latest': () => import('../app/api/v1/snapshots/latest/route'),
};

async function main(): Promise<void> {
  const port = Number(values.port);
  // As `next start` / `next dev` do, before Next is loaded.
  (process.env as Record<string, string>).NODE_ENV ??= values.dev ? 'development' : 'production';
  const { default: next } = await import('next');
  const app = next({ dev: values.dev, dir: process.cwd(), hostname: values.hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const fastPath = !values.dev && process.env.PEERSCOPE_API_FAST_PATH !== '0';
  const server = createServer((request, response) => {
    stamp(request);
    relayContentEncoding(response);
    const served = fastPath ? serveFastApi(request, response, FAST_ROUTES) : Promise.resolve(false);
    served.then((done) => (done ? undefined : handle(request, response))).catch((error: unknown) => {
      console.error('[web] request failed:', error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end('{"error":"Internal error","details":"Something went wrong on our side."}');
    });
  });
  if (values.dev) {
    const upgrade = app.getUpgradeHandler();
    server.on('upgrade', (request, socket, head) => {
      stamp(request);
      void upgrade(request, socket, head);
    });
  }
  server.listen(port, values.hostname, () => {
    console.log(`[web] ready on http://${values.hostname}:${port}`);
  });
  const stop = () => {
    server.close();
    void app.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(`[web] ${error.message}`);
  process.exit(1);
});
