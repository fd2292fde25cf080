import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startSimulatedNetwork, type SimulatedNetwork } from '../../crawler/simulator';
import { CHAIN_PRESETS } from '../../lib/chains/presets';
import { onionFromPubkey } from '../../lib/p2p/address';
import { defaultDialer } from '../../lib/p2p/dialer';
import { probePeer } from '../../lib/p2p/probe';

/** A minimal SOCKS5 proxy (no auth, CONNECT by domain name) that sends every onion to one loopback target. */
function startFakeTorProxy(target: { host: string; port: number }) {
  const requested: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    client.once('data', (greeting: Buffer) => {
      assert.equal(greeting[0], 5);
      client.write(Buffer.from([5, 0]));
      client.once('data', (request: Buffer) => {
        assert.equal(request[3], 3, 'the dialer should let the proxy resolve the name');
        const length = request[4]!;
        requested.push(`${request.toString('ascii', 5, 5 + length)}:${request.readUInt16BE(5 + length)}`);
        const upstream = connect(target, () => {
          client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          client.pipe(upstream).pipe(client);
        });
        sockets.add(upstream);
        upstream.on('error', () => client.destroy());
      });
    });
  });
  return new Promise<{ port: number; requested: string[]; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        requested,
        close: () => new Promise<void>((done) => {
          sockets.forEach((socket) => socket.destroy());
          server.close(() => done());
        }),
      }),
    ),
  );
}

describe('SOCKS5 dialing for onion peers', () => {
  let network: SimulatedNetwork;
  let proxy: Awaited<ReturnType<typeof startFakeTorProxy>>;
  before(async () => {
    network = await startSimulatedNetwork({ nodes: 5, randomSeed: 3, publicAddresses: false });
    const good = network.peers.find((peer) => peer.profile.behaviour === 'good')!;
    proxy = await startFakeTorProxy(good.loopback);
  });
  after(async () => {
    await proxy.close();
    await network.stop();
  });

  const onion = { host: onionFromPubkey(Buffer.alloc(32, 7)), port: 8333, network: 'onion' as const };
  const timeouts = { connectMs: 2000, handshakeMs: 2000, pingMs: 500, addrWindowMs: 500, totalMs: 4000 };

  it('reaches an onion peer through the proxy', async () => {
    const result = await probePeer(onion, { chain: CHAIN_PRESETS.bitcoin, dialer: defaultDialer({ host: '127.0.0.1', port: proxy.port }), timeouts });
    assert.equal(result.ok, true, result.error);
    assert.deepEqual(proxy.requested, [`${onion.host}:8333`]);
  });

  it('refuses onion peers when no proxy is configured', async () => {
    const result = await probePeer(onion, { chain: CHAIN_PRESETS.bitcoin, dialer: defaultDialer(null), timeouts });
    assert.equal(result.ok, false);
    assert.equal(result.error, 'EUNREACHABLE');
  });
});
