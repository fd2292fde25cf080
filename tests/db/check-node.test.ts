import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { DELETE, GET, OPTIONS, POST } from '../../app/api/check/route';
import { startPeerServer, type PeerBehaviour } from '../../crawler/simulator/peer-server';
import { activeChain } from '../../lib/chains';
import type { PeerAddress, ProbeResult } from '../../lib/crawler/types';
import { CHECKS_PER_MINUTE_GLOBAL, CHECKS_PER_MINUTE_PER_ADDRESS, probeFailureClass } from '../../lib/nodes/check';
import { setNodeProber } from '../../lib/nodes/prober';
import { magicBytes } from '../../lib/p2p/frame';
import { resetRateLimiter } from '../../lib/ratelimit';
import { fromAddress, freshIp, insertNode, releaseRoutes, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';

function check(body: unknown, options: { ip?: string; contentType?: string | null } = {}): Request {
  const headers: Record<string, string> = { ...fromAddress(options.ip ?? freshIp()) };
  if (options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
  return new Request('http://localhost/api/check', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function startPeer(behaviour: PeerBehaviour, startHeight = 880_000) {
  const chain = activeChain();
  return startPeerServer(
    '127.0.0.1',
    0,
    { behaviour, userAgent: '/Satoshi:28.1.0/', protocolVersion: chain.protocolVersion, services: 1033n, startHeight, delayMs: 0, announcesSelf: false, seed: 1 },
    { magic: magicBytes(chain.magic), supportsAddrV2: true, self: { host: '127.0.0.1', port: 0, network: 'ipv4' }, gossip: () => [] },
  );
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('POST /api/check (check my node)', () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
    await useDatabaseForRoutes(database.url);
  });
  beforeEach(async () => {
    await resetRateLimiter();
    process.env.PEERSCOPE_ALLOW_LOOPBACK_NODES = '1';
    process.env.REGISTRATION_PROBE_TIMEOUT_MS = '3000';
  });
  afterEach(() => {
    setNodeProber(undefined);
    delete process.env.PEERSCOPE_ALLOW_LOOPBACK_NODES;
    delete process.env.REGISTRATION_PROBE_TIMEOUT_MS;
  });
  after(async () => {
    await releaseRoutes();
    await database.close();
  });

  it('probes a simulated loopback peer with the crawler probe and says how we see it', async () => {
    const peer = await startPeer('good');
    try {
      const first = await POST(check({ ip: '127.0.0.1', port: peer.port }));
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('access-control-allow-origin'), '*');
      assert.equal(first.headers.get('cache-control'), 'no-store');
      const body = await first.json();
      assert.equal(body.reachable, true);
      assert.deepEqual(
        { ip: body.ip, port: body.port, user_agent: body.user_agent, protocol_version: body.protocol_version, height: body.height, services: body.services },
        { ip: '127.0.0.1', port: peer.port, user_agent: '/Satoshi:28.1.0/', protocol_version: activeChain().protocolVersion, height: 880_000, services: 1033 },
      );
      assert.equal(typeof body.latency_ms, 'number');
      assert.ok(!Number.isNaN(Date.parse(body.checked_at)));
      assert.equal('error' in body, false);
      assert.deepEqual({ known: body.known, node: body.node }, { known: false, node: null });
      const [row] = await database.sql<{ count: number }[]>`select count(*)::int as count from nodes where port = ${peer.port}`;
      assert.equal(row!.count, 0, 'an anonymous check adds nothing to our lists');

      const firstSeen = new Date('2026-11-01T00:00:00Z');
      const id = await insertNode(database.sql, { ip: '127.0.0.1', port: peer.port, status: 'up', first_seen: firstSeen, last_seen: new Date('2026-11-25T00:00:00Z') });
      const second = await (await POST(check({ ip: '127.0.0.1', port: String(peer.port) }))).json();
      assert.equal(second.known, true);
      assert.deepEqual({ id: second.node.id, status: second.node.status, first_seen: second.node.first_seen, last_seen: second.node.last_seen },
        { id, status: 'up', first_seen: firstSeen.toISOString(), last_seen: '2026-11-25T00:00:00.000Z' });

      await database.sql`update nodes set hidden = true where id = ${id}`;
      const hidden = await (await POST(check({ ip: '127.0.0.1', port: peer.port }))).json();
      assert.deepEqual({ known: hidden.known, node: hidden.node }, { known: false, node: null }, 'hidden nodes stay hidden');
    } finally {
      await peer.close();
    }
  });

  it('answers reachable:false with the failure class only', async () => {
    const port = await closedPort();
    const refused = await POST(check({ ip: '127.0.0.1', port }));
    assert.equal(refused.status, 200);
    const body = await refused.json();
    assert.deepEqual({ reachable: body.reachable, error: body.error, user_agent: body.user_agent, height: body.height, latency_ms: body.latency_ms },
      { reachable: false, error: 'ECONNREFUSED', user_agent: null, height: null, latency_ms: null });

    for (const [behaviour, expected] of [['bad-magic', /^(protocol: bad magic|closed before handshake)$/], ['garbage', /^(protocol: [a-z ]+|closed before handshake|timeout: handshake)$/]] as const) {
      const peer = await startPeer(behaviour);
      try {
        const answer = await (await POST(check({ ip: '127.0.0.1', port: peer.port }))).json();
        assert.equal(answer.reachable, false, behaviour);
        assert.match(answer.error, expected, behaviour);
      } finally {
        await peer.close();
      }
    }
  });

  it('never passes peer-supplied text through as the error', () => {
    assert.equal(probeFailureClass('protocol: addr ignored: too many entries: 1001 entries'), 'protocol: addr ignored');
    assert.equal(probeFailureClass('protocol: bad magic'), 'protocol: bad magic');
    assert.equal(probeFailureClass("protocol version 60000 below the chain's minimum 70001"), 'protocol version too old');
    assert.equal(probeFailureClass('timeout: handshake; protocol: x'), 'timeout: handshake');
    assert.equal(probeFailureClass('ECONNRESET'), 'ECONNRESET');
    assert.equal(probeFailureClass('socks: <script>alert(1)</script>'), 'connection failed');
    assert.equal(probeFailureClass('protocol: <b>evil</b>'), 'connection failed');
    assert.equal(probeFailureClass('internal: TypeError'), 'internal error');
    assert.equal(probeFailureClass(undefined), 'connection failed');
  });

  it('refuses non-public addresses unless loopback is allowed, and bad input, with 400 JSON', async () => {
    let probes = 0;
    setNodeProber(async (address: PeerAddress): Promise<ProbeResult> => {
      probes += 1;
      return { address, checkedAt: new Date(), ok: false, error: 'ECONNREFUSED', learned: [] };
    });
    delete process.env.PEERSCOPE_ALLOW_LOOPBACK_NODES;
    for (const ip of ['127.0.0.1', '10.0.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fc00::1', '::ffff:127.0.0.1', '100.64.0.1', '0.0.0.0']) {
      const response = await POST(check({ ip, port: 8333 }));
      assert.equal(response.status, 400, ip);
      const body = await response.json();
      assert.equal(body.error, 'Address not allowed', ip);
      assert.equal(typeof body.details, 'string');
    }
    const bad: unknown[] = [
      { ip: 'example.com', port: 8333 },
      { ip: '8.8.8.8' },
      { ip: '8.8.8.8', port: 0 },
      { ip: '8.8.8.8', port: 70000 },
      { ip: '8.8.8.8', port: 8333, extra: true },
      { ip: '8.8.8.8\u0000', port: 8333 },
      { ip: 42, port: 8333 },
      [],
      '{not json',
    ];
    for (const body of bad) {
      const response = await POST(check(body));
      assert.equal(response.status, 400, JSON.stringify(body));
      const answer = await response.json();
      assert.deepEqual(Object.keys(answer).sort(), ['details', 'error']);
    }
    assert.equal(probes, 0, 'nothing refused was dialled');

    const ok = await POST(check({ ip: '8.8.8.8', port: 8333 }));
    assert.equal(ok.status, 200);
    assert.equal(probes, 1);
  });

  it('requires Content-Type: application/json and answers other methods with 405 JSON and Allow', async () => {
    const plain = await POST(check({ ip: '8.8.8.8', port: 8333 }, { contentType: 'text/plain' }));
    assert.equal(plain.status, 415);
    assert.equal((await plain.json()).error, 'Unsupported media type');
    const none = await POST(check({ ip: '8.8.8.8', port: 8333 }, { contentType: null }));
    assert.equal(none.status, 415);

    for (const handler of [GET, DELETE]) {
      const response = await handler(new Request('http://localhost/api/check', { method: 'GET' }));
      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), 'POST, OPTIONS');
      assert.deepEqual(Object.keys(await response.json()).sort(), ['details', 'error']);
    }
    const preflight = OPTIONS();
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('allow'), 'POST, OPTIONS');
  });

  it('limits checks per client address and in total', async () => {
    let probes = 0;
    setNodeProber(async (address: PeerAddress): Promise<ProbeResult> => {
      probes += 1;
      return { address, checkedAt: new Date(), ok: false, error: 'ECONNREFUSED', learned: [] };
    });
    const client = freshIp();
    for (let index = 0; index < CHECKS_PER_MINUTE_PER_ADDRESS; index += 1) {
      assert.equal((await POST(check({ ip: '8.8.8.8', port: 8333 }, { ip: client }))).status, 200);
    }
    const limited = await POST(check({ ip: '8.8.8.8', port: 8333 }, { ip: client }));
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.deepEqual(Object.keys(await limited.json()).sort(), ['details', 'error']);
    assert.equal(probes, CHECKS_PER_MINUTE_PER_ADDRESS, 'the refused check dialled nothing');
    // Another address of the same IPv6 /64 shares the bucket; another IPv4 address does not.
    const v6 = '2001:4860:1:2::';
    for (let index = 0; index < CHECKS_PER_MINUTE_PER_ADDRESS; index += 1) await POST(check({ ip: '8.8.8.8', port: 8333 }, { ip: `${v6}${index + 1}` }));
    assert.equal((await POST(check({ ip: '8.8.8.8', port: 8333 }, { ip: `${v6}ffff` }))).status, 429);
    assert.equal((await POST(check({ ip: '8.8.8.8', port: 8333 }))).status, 200);

    // The global cap: many addresses together get no more than CHECKS_PER_MINUTE_GLOBAL probes.
    await resetRateLimiter();
    probes = 0;
    const statuses: number[] = [];
    for (let index = 0; index < CHECKS_PER_MINUTE_GLOBAL + 5; index += 1) statuses.push((await POST(check({ ip: '8.8.8.8', port: 8333 }))).status);
    assert.equal(statuses.filter((status) => status === 200).length, CHECKS_PER_MINUTE_GLOBAL);
    assert.deepEqual(statuses.slice(CHECKS_PER_MINUTE_GLOBAL), [429, 429, 429, 429, 429]);
    assert.equal(probes, CHECKS_PER_MINUTE_GLOBAL);

    // A limiter that cannot be built stops the checks (503) instead of letting them run unlimited.
    await resetRateLimiter();
    probes = 0;
    process.env.RATE_LIMIT_ANONYMOUS_PER_MINUTE = 'not-a-number';
    try {
      const unavailable = await POST(check({ ip: '8.8.8.8', port: 8333 }));
      assert.equal(unavailable.status, 503);
      assert.deepEqual(Object.keys(await unavailable.json()).sort(), ['details', 'error']);
      assert.equal(probes, 0);
    } finally {
      delete process.env.RATE_LIMIT_ANONYMOUS_PER_MINUTE;
      await resetRateLimiter();
    }
  });
});
