import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { PeerAddress, ProbeResult } from '../../lib/crawler/types';
import { closeSql } from '../../lib/db/client';
import { setNodeProber } from '../../lib/nodes/prober';
import { registerNode, validateNodeAddress } from '../../lib/nodes/register';
import { GET as myNodesRoute } from '../../app/api/my-nodes/route';
import { GET as statusRoute, POST as registerRoute } from '../../app/api/nodes/register/route';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { authed, createTestUser } from '../helpers/accounts';
import { startSimulatedNetwork } from '../../crawler/simulator';
import { startPeerServer } from '../../crawler/simulator/peer-server';
import { CHAIN_PRESETS } from '../../lib/chains/presets';
import { magicBytes } from '../../lib/p2p/frame';

const reachable = async (address: PeerAddress): Promise<ProbeResult> => ({
  address,
  checkedAt: new Date(),
  ok: true,
  latencyMs: 42,
  version: { protocolVersion: 70016, services: 1033n, userAgent: '/Satoshi:27.0.0/', startHeight: 870000, relay: true, timestamp: 0 },
  learned: [],
});
const unreachable = async (address: PeerAddress): Promise<ProbeResult> => ({ address, checkedAt: new Date(), ok: false, error: 'ECONNREFUSED', learned: [] });

describe('node registration', () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
    process.env.DATABASE_URL = database.url;
  });
  afterEach(() => {
    setNodeProber(undefined);
    delete process.env.PEERSCOPE_ALLOW_LOOPBACK_NODES;
  });
  after(async () => {
    await closeSql();
    await database.close();
  });

  it('refuses private, loopback, link-local, CGNAT, multicast, reserved and documentation addresses', () => {
    for (const ip of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '127.0.0.1', '100.64.0.1', '169.254.1.1', '224.0.0.1',
      '0.0.0.0', '255.255.255.255', '192.0.2.1', '198.51.100.7', '203.0.113.5', '198.18.0.1', '240.0.0.1',
      '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '2001:db8::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1',
      '2002:c0a8:101::1', '64:ff9b::a00:1', 'fe80::1%eth0']) {
      assert.throws(() => validateNodeAddress(ip, 8333, false), (error: { status?: number }) => error.status === 400, ip);
    }
    for (const ip of ['not-an-ip', '1.2.3', '1.2.3.4.5', '01.2.3.4', 'example.com']) {
      assert.throws(() => validateNodeAddress(ip, 8333, false), (error: { status?: number }) => error.status === 400, ip);
    }
    assert.deepEqual(validateNodeAddress('8.8.8.8', 8333, false), { host: '8.8.8.8', port: 8333, network: 'ipv4' });
    assert.deepEqual(validateNodeAddress('[2606:4700:0:0::1111]', 8333, false), { host: '2606:4700::1111', port: 8333, network: 'ipv6' });
    assert.deepEqual(validateNodeAddress('::ffff:8.8.4.4', 8333, false).host, '8.8.4.4');
    assert.equal(validateNodeAddress('127.0.0.1', 18444, true).host, '127.0.0.1');
    assert.throws(() => validateNodeAddress('10.0.0.1', 8333, true), 'the loopback allowance allows only loopback');
  });

  it('probes, upserts the node as registered and links it to the user', async () => {
    const user = await createTestUser(database.sql, 'operator@example.com');
    setNodeProber(reachable);
    const response = await registerRoute(authed('/api/nodes/register', user.token, { method: 'POST', body: JSON.stringify({ ip: '8.8.8.8', port: 8333, label: 'home' }) }), {});
    assert.equal(response.status, 201);
    const body = await response.json();
    assert.equal(body.success, true);
    assert.equal(body.message, 'Node registered successfully! The crawler will update its details shortly.');
    assert.equal(typeof body.node.id, 'string');
    assert.deepEqual({ ip: body.node.ip, port: body.node.port, status: body.node.status }, { ip: '8.8.8.8', port: 8333, status: 'up' });
    assert.equal(body.label, 'home');
    const [node] = await database.sql`select source, user_agent, services::text as services, height from nodes where id = ${body.node.id}`;
    assert.deepEqual({ ...node }, { source: 'registered', user_agent: '/Satoshi:27.0.0/', services: '1033', height: 870000 });

    const mine = await (await myNodesRoute(authed('/api/my-nodes', user.token), {})).json();
    assert.equal(mine.nodes.length, 1);
    const specKeys = ['id', 'ip', 'port', 'status', 'tier', 'pixScore', 'isVerified', 'verificationMethod', 'verifiedAt', 'displayName', 'avatarUrl', 'countryName', 'city'];
    assert.deepEqual(
      Object.fromEntries(specKeys.map((key) => [key, mine.nodes[0][key]])),
      { id: body.node.id, ip: '8.8.8.8', port: 8333, status: 'up', tier: null, pixScore: null, isVerified: false, verificationMethod: null,
        verifiedAt: null, displayName: 'home', avatarUrl: null, countryName: null, city: null },
    );

    const registered = await (await statusRoute(authed('/api/nodes/register', user.token), {})).json();
    assert.deepEqual(registered.nodes.map((node: { id: string }) => node.id), [body.node.id]);
    assert.equal((await statusRoute(authed('/api/nodes/register?ip=8.8.8.8', user.token), {})).status, 400);
    const asString = await registerRoute(authed('/api/nodes/register', user.token, { method: 'POST', body: JSON.stringify({ ip: '8.8.4.4', port: '8333' }) }), {});
    assert.equal(asString.status, 201, 'a port may come as a string');

    const status = await (await statusRoute(authed('/api/nodes/register?ip=8.8.8.8&port=8333', user.token), {})).json();
    assert.equal(status.registered, true);
    assert.equal(status.reachable, true);
    assert.equal(status.last_attempt.reachable, true);

    const bad = await statusRoute(authed('/api/nodes/register?ip=8.8.8.8&port=99999', user.token), {});
    assert.equal(bad.status, 400);
  });

  it('answers 422 for an unreachable node and 400 for private addresses', async () => {
    const user = await createTestUser(database.sql, 'down@example.com');
    setNodeProber(unreachable);
    const down = await registerRoute(authed('/api/nodes/register', user.token, { method: 'POST', body: JSON.stringify({ ip: '1.1.1.1', port: 8333 }) }), {});
    assert.equal(down.status, 422);
    assert.match((await down.json()).details, /ECONNREFUSED/);
    const [count] = await database.sql`select count(*)::int as n from user_nodes where user_id = ${user.id}`;
    assert.equal(count!.n, 0);

    const privateAddress = await registerRoute(authed('/api/nodes/register', user.token, { method: 'POST', body: JSON.stringify({ ip: '192.168.0.10', port: 8333 }) }), {});
    assert.equal(privateAddress.status, 400);
    const loopback = await registerRoute(authed('/api/nodes/register', user.token, { method: 'POST', body: JSON.stringify({ ip: '127.0.0.1', port: 18444 }) }), {});
    assert.equal(loopback.status, 400);
    process.env.PEERSCOPE_ALLOW_LOOPBACK_NODES = '1';
    setNodeProber(reachable);
    const allowed = await registerRoute(authed('/api/nodes/register', user.token, { method: 'POST', body: JSON.stringify({ ip: '127.0.0.1', port: 18444 }) }), {});
    assert.equal(allowed.status, 201);
  });

  it('registers a loopback simulator node through the real P2P probe', async () => {
    const user = await createTestUser(database.sql, 'sim@example.com');
    const network = await startSimulatedNetwork({ nodes: 3, publicAddresses: false, hostileShare: 0, slowShare: 0, goneShare: 0, randomSeed: 3 });
    const peer = network.peers[0]!;
    process.env.PEERSCOPE_ALLOW_LOOPBACK_NODES = '1';
    setNodeProber(undefined);
    try {
      const response = await registerRoute(
        authed('/api/nodes/register', user.token, { method: 'POST', body: JSON.stringify({ ip: peer.address.host, port: peer.address.port }) }),
        {},
      );
      assert.equal(response.status, 201, await response.clone().text());
      const body = await response.json();
      assert.equal(body.node.user_agent, peer.profile.userAgent);
      assert.equal(body.probe.ok, true);
    } finally {
      await network.stop();
    }
  });

  it('registers a peer whose user agent carries a NUL byte (sanitised at decode, never a 500)', async () => {
    const user = await createTestUser(database.sql, 'nul@example.com');
    const chain = CHAIN_PRESETS.bitcoin;
    const self = { host: '127.0.0.1', port: 0, network: 'ipv4' as const };
    const server = await startPeerServer(
      '127.0.0.1',
      0,
      { behaviour: 'nul-agent', userAgent: '/Satoshi:28.1.0/', protocolVersion: chain.protocolVersion, services: 1033n, startHeight: 880_000, delayMs: 0, announcesSelf: false, seed: 1 },
      { magic: magicBytes(chain.magic), supportsAddrV2: true, self, gossip: () => [] },
    );
    process.env.PEERSCOPE_ALLOW_LOOPBACK_NODES = '1';
    setNodeProber(undefined);
    try {
      const response = await registerRoute(
        authed('/api/nodes/register', user.token, { method: 'POST', body: JSON.stringify({ ip: '127.0.0.1', port: server.port }) }),
        {},
      );
      assert.equal(response.status, 201, await response.clone().text());
      const body = await response.json();
      assert.equal(body.node.user_agent, '/EvilCore:1.0/');
    } finally {
      await server.close();
    }
  });

  it('limits registrations per user per hour', async () => {
    const user = await createTestUser(database.sql, 'busy@example.com');
    await database.sql`insert into app_settings (key, value) values ('registration.max_per_hour', '2'::jsonb)`;
    try {
      await registerNode(database.sql, user.id, { ip: '9.9.9.9', port: 8333 }, { probe: reachable });
      await registerNode(database.sql, user.id, { ip: '9.9.9.10', port: 8333 }, { probe: reachable });
      await assert.rejects(
        registerNode(database.sql, user.id, { ip: '9.9.9.11', port: 8333 }, { probe: reachable }),
        (error: { status?: number; headers?: Record<string, string> }) => error.status === 429 && Number(error.headers?.['Retry-After']) > 0,
      );
    } finally {
      await database.sql`delete from app_settings where key = 'registration.max_per_hour'`;
    }
  });
});
