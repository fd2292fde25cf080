import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startPeerServer, startSimulatedNetwork, type PeerBehaviour, type RunningPeerServer, type SimulatedNetwork } from '../../crawler/simulator';
import { CHAIN_PRESETS } from '../../lib/chains/presets';
import { encodeFrame, magicBytes } from '../../lib/p2p/frame';
import { encodeVersion } from '../../lib/p2p/messages';
import { probePeer, type ProbeOptions } from '../../lib/p2p/probe';

const chain = CHAIN_PRESETS.bitcoin;
const timeouts = { connectMs: 1000, handshakeMs: 1200, pingMs: 800, addrWindowMs: 800, totalMs: 4000 };

describe('probePeer against simulated peers', () => {
  let network: SimulatedNetwork;
  let options: ProbeOptions;
  const peerWith = (behaviour: PeerBehaviour) => {
    const peer = network.peers.find((candidate) => candidate.profile.behaviour === behaviour);
    assert.ok(peer, `no ${behaviour} peer`);
    return peer;
  };

  before(async () => {
    network = await startSimulatedNetwork({ nodes: 60, hostileShare: 0.35, slowShare: 0.1, goneShare: 0.1, randomSeed: 11, slowDelayMs: [150, 200] });
    options = { chain, dialer: network.dialer, timeouts, maxLearned: 200 };
  });
  after(() => network.stop());

  it('completes the handshake with a good peer and learns its neighbours', async () => {
    const peer = peerWith('good');
    const result = await probePeer(peer.address, options);
    assert.equal(result.ok, true, result.error);
    assert.equal(result.tcpConnected, true);
    assert.equal(result.error, undefined);
    assert.equal(result.version?.userAgent, peer.profile.userAgent);
    assert.equal(result.version?.startHeight, peer.profile.startHeight);
    assert.equal(result.version?.protocolVersion, peer.profile.protocolVersion);
    assert.ok(result.latencyMs !== undefined && result.latencyMs >= 0);
    assert.ok(result.pingMs !== undefined && result.pingMs >= 0);
    assert.ok(result.learned.length > 0);
    const known = new Set([...network.peers.map((candidate) => candidate.address.host), ...network.onions.map((onion) => onion.host)]);
    for (const learned of result.learned) assert.ok(known.has(learned.host), `unexpected ${learned.host}`);
  });

  it('measures the delay of a slow peer but still succeeds', async () => {
    const peer = peerWith('slow');
    const result = await probePeer(peer.address, options);
    assert.equal(result.ok, true, result.error);
    assert.ok(result.latencyMs! >= 140, `latency ${result.latencyMs}`);
    assert.ok(result.pingMs! >= 140, `ping ${result.pingMs}`);
  });

  const expectations: [PeerBehaviour, RegExp][] = [
    ['gone', /^ECONNREFUSED$/],
    ['garbage', /^protocol: bad magic$/],
    ['bad-checksum', /^protocol: bad checksum$/],
    ['bad-magic', /^protocol: bad magic$/],
    ['oversized', /^protocol: oversized payload$/],
    ['slowloris', /^timeout: handshake$/],
    ['silent', /^timeout: handshake$/],
  ];
  for (const [behaviour, pattern] of expectations) {
    it(`reports a ${behaviour} peer as failed with the right error`, async () => {
      const result = await probePeer(peerWith(behaviour).address, options);
      assert.equal(result.ok, false);
      assert.match(result.error ?? '', pattern);
      assert.deepEqual(result.learned, []);
      // Every hostile peer accepted TCP (reachable); only a gone one refused it (down).
      assert.equal(result.tcpConnected, behaviour !== 'gone');
    });
  }

  it('caps what an addr-flooding peer can make us keep', async () => {
    const result = await probePeer(peerWith('addr-flood').address, { ...options, maxLearned: 150 });
    assert.equal(result.ok, true);
    assert.equal(result.learned.length, 150);
  });

  it('refuses addresses the simulator does not route, without touching the network', async () => {
    const result = await probePeer({ host: '8.8.8.8', port: 8333, network: 'ipv4' }, options);
    assert.equal(result.ok, false);
    assert.equal(result.error, 'ECONNREFUSED');
  });

  it('stops promptly when aborted', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const pending = probePeer(peerWith('silent').address, { ...options, timeouts: { ...timeouts, handshakeMs: 10_000, totalMs: 10_000 }, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const result = await pending;
    assert.equal(result.error, 'aborted');
    assert.ok(performance.now() - started < 1000);
  });
});

describe('probePeer reports whether TCP connected (reachable vs down)', () => {
  const magic = magicBytes(chain.magic);
  const profile = (behaviour: PeerBehaviour) => ({
    behaviour, userAgent: '/Satoshi:28.1.0/', protocolVersion: chain.protocolVersion, services: 0n, startHeight: 1, delayMs: 0, announcesSelf: false, seed: 1,
  });
  const context = { magic, supportsAddrV2: true, self: { host: '127.0.0.1', port: 1, network: 'ipv4' as const }, gossip: () => [] };
  const servers: RunningPeerServer[] = [];
  const start = async (behaviour: PeerBehaviour) => {
    const server = await startPeerServer('127.0.0.1', 0, profile(behaviour), context);
    servers.push(server);
    return { host: '127.0.0.1', port: server.port, network: 'ipv4' as const };
  };
  after(() => Promise.all(servers.map((server) => server.close())));

  it('a peer that accepts TCP and never answers the version: tcpConnected, not ok, handshake timeout', async () => {
    const result = await probePeer(await start('silent'), { chain, timeouts: { ...timeouts, handshakeMs: 300, totalMs: 1000 } });
    assert.equal(result.ok, false);
    assert.equal(result.tcpConnected, true);
    assert.equal(result.error, 'timeout: handshake');
    assert.equal(result.version, undefined);
  });

  it('a peer that accepts TCP and hangs up at once: tcpConnected, not ok', async () => {
    const result = await probePeer(await start('hangup'), { chain, timeouts });
    assert.equal(result.ok, false);
    assert.equal(result.tcpConnected, true);
    assert.match(result.error ?? '', /^(closed before handshake|ECONNRESET|EPIPE)$/);
  });

  it('a closed port: not tcpConnected (down)', async () => {
    const address = await start('good');
    await servers.pop()!.close();
    const result = await probePeer(address, { chain, timeouts });
    assert.equal(result.ok, false);
    assert.equal(result.tcpConnected, false);
    assert.equal(result.error, 'ECONNREFUSED');
  });

  it('a peer below the minimum protocol version completed TCP but is not up', async () => {
    const result = await probePeer(await start('old-version'), { chain, timeouts, minPeerVersion: () => 70001 });
    assert.equal(result.ok, false);
    assert.equal(result.tcpConnected, true);
  });
});

describe('probePeer edge cases', () => {
  const servers: Server[] = [];
  const listen = (onConnection: (socket: Socket) => void) =>
    new Promise<number>((resolve) => {
      const sockets = new Set<Socket>();
      const server = createServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => undefined);
        onConnection(socket);
      });
      server.on('close', () => sockets.forEach((socket) => socket.destroy()));
      (server as Server & { sockets?: Set<Socket> }).sockets = sockets;
      servers.push(server);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  after(() => Promise.all(servers.map((server) => new Promise<void>((done) => {
    (server as Server & { sockets?: Set<Socket> }).sockets?.forEach((socket) => socket.destroy());
    server.close(() => done());
  }))));

  it('times out the connect step', async () => {
    const neverConnects = (_: unknown, signal: AbortSignal) => new Promise<Socket>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    const result = await probePeer({ host: '127.0.0.1', port: 1, network: 'ipv4' }, { chain, dialer: neverConnects, timeouts: { ...timeouts, connectMs: 50 } });
    assert.equal(result.error, 'timeout: connect');
    assert.equal(result.tcpConnected, false);
  });

  it('answers the peer\'s ping during the handshake and sends sendaddrv2 before verack', async () => {
    const magic = magicBytes(chain.magic);
    const seen: string[] = [];
    const port = await listen((socket) => {
      let buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        while (buffer.length >= 24 && buffer.length >= 24 + buffer.readUInt32LE(16)) {
          const command = buffer.toString('ascii', 4, 16).replace(/\0+$/, '');
          seen.push(command);
          buffer = buffer.subarray(24 + buffer.readUInt32LE(16));
          if (command === 'version') {
            socket.write(encodeFrame(magic, 'version', encodeVersion({ protocolVersion: 70016, userAgent: '/edge:1/', startHeight: 5 })));
            socket.write(encodeFrame(magic, 'ping', Buffer.from('0102030405060708', 'hex')));
          }
          if (command === 'pong') socket.write(encodeFrame(magic, 'verack'));
        }
      });
    });
    const result = await probePeer({ host: '127.0.0.1', port, network: 'ipv4' }, { chain, timeouts: { ...timeouts, pingMs: 100, addrWindowMs: 100 } });
    assert.equal(result.ok, true, result.error);
    assert.deepEqual(seen.slice(0, 4), ['version', 'sendaddrv2', 'verack', 'pong']);
    assert.equal(result.pingMs, undefined, 'the peer never answered our ping');
  });

  it('reports a peer that closes during the handshake', async () => {
    const port = await listen((socket) => socket.end());
    const result = await probePeer({ host: '127.0.0.1', port, network: 'ipv4' }, { chain, timeouts });
    assert.equal(result.ok, false);
    assert.equal(result.error, 'closed before handshake');
  });
});
