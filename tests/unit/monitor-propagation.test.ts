import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLiveNetwork, startSimulatedNetwork, type LiveNetwork } from '../../crawler/simulator';
import { CHAIN_PRESETS } from '../../lib/chains/presets';
import { Monitor, type MonitorSink, type NodeStatePatch } from '../../lib/monitor/monitor';
import { encodeInv, INV_TYPE, type InvEntry } from '../../lib/p2p/announcements';
import { directDialer } from '../../lib/p2p/dialer';
import { encodeFrame, FrameDecoder, magicBytes } from '../../lib/p2p/frame';
import { decodeMessage, encodeNonce, encodeVersion } from '../../lib/p2p/messages';
import { PropagationRecorder } from '../../lib/propagation/recorder';
import { txSampleThreshold } from '../../lib/propagation/sampling';

const chain = CHAIN_PRESETS.bitcoin;
const magic = magicBytes(chain.magic);

class Sink implements MonitorSink {
  states = new Map<string, NodeStatePatch>();
  event() {}
  span() {}
  state(nodeId: string, patch: NodeStatePatch) {
    this.states.set(nodeId, { ...this.states.get(nodeId), ...patch });
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A peer that completes the handshake, then floods invented hashes: `flood(send)` is called once connected. */
async function hostilePeer(host: string, flood: (send: (command: string, payload: Buffer) => void, socket: Socket) => void): Promise<{ server: Server; port: number; relayAsked: () => boolean | null }> {
  let relay: boolean | null = null;
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    const decoder = new FrameDecoder({ magic, maxPayloadBytes: 64 * 1024 });
    const send = (command: string, payload: Buffer = Buffer.alloc(0)) => {
      if (!socket.destroyed) socket.write(encodeFrame(magic, command, payload));
    };
    socket.on('data', (chunk) => {
      for (const frame of decoder.push(chunk)) {
        if (frame.command === 'sendheaders') continue;
        const message = decodeMessage(frame);
        if (message.command === 'version') {
          relay = message.version.relay;
          send('version', encodeVersion({ protocolVersion: chain.protocolVersion, services: 1033n, userAgent: '/Evil:1.0/', startHeight: 880_000, relay: true }));
          send('verack');
        } else if (message.command === 'verack') {
          flood(send, socket);
        } else if (message.command === 'ping' && message.nonce !== null) {
          send('pong', encodeNonce(message.nonce));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, relayAsked: () => relay };
}

describe('monitor data propagation', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('a peer flooding invented block and transaction hashes gets only its small share recorded, and the session survives', async () => {
    const sampled = (): Buffer => {
      const hash = randomBytes(32);
      hash[31] = 0x00; // displayed prefix 00..: inside any sample
      return hash;
    };
    const peer = await hostilePeer('127.175.0.1', (send) => {
      for (let round = 0; round < 5; round += 1) {
        const entries: InvEntry[] = Array.from({ length: 14_000 }, () => ({ type: INV_TYPE.tx, hash: sampled() }));
        for (let index = 0; index < 200; index += 1) entries.push({ type: INV_TYPE.block, hash: randomBytes(32) });
        send('inv', encodeInv(entries));
      }
    });
    cleanups.push(() => new Promise((resolve) => peer.server.close(() => resolve())));
    const recorder = new PropagationRecorder();
    const monitor = new Monitor({
      chain,
      dialer: directDialer,
      sink: new Sink(),
      pingIntervalMs: 100,
      propagation: recorder,
      txSampleThreshold: txSampleThreshold(0.25),
    });
    cleanups.push(() => monitor.stop());
    monitor.sync([{ id: '7', address: { host: '127.175.0.1', port: peer.port, network: 'ipv4' }, status: 'up', protocolVersion: null, userAgent: null, exceptions: [] }]);
    await until('flood processed', () => recorder.stats().refused.peerCap > 60_000);
    assert.equal(peer.relayAsked(), true, 'the monitor asks for transaction relay when it samples transactions');
    const batch = recorder.drain();
    assert.equal(batch.filter((entry) => entry.kind === 'tx').length, 30, 'per-peer share of new transaction hashes');
    assert.equal(batch.filter((entry) => entry.kind === 'block').length, 6, 'per-peer share of new block hashes');
    assert.ok(recorder.stats().tracked <= 36);
    await sleep(300);
    assert.equal(monitor.stats().connected, 1, 'a flood of well-formed invs is no reason to drop the peer');
  });

  it('relays of one block and one sampled transaction from simulated peers reach the recorder, each node once; unsampled ones never do', async () => {
    const network: LiveNetwork = await startLiveNetwork({ peers: 4, loopbackOctet: 176, spreadMs: 50, seed: 3 });
    cleanups.push(() => network.stop());
    const recorder = new PropagationRecorder();
    const sink = new Sink();
    const monitor = new Monitor({ chain, dialer: directDialer, sink, pingIntervalMs: 100, propagation: recorder, txSampleThreshold: txSampleThreshold(0.5) });
    cleanups.push(() => monitor.stop());
    monitor.sync(network.peers.map((peer) => ({ id: String(peer.index + 1), address: peer.address, status: 'up', protocolVersion: null, userAgent: null, exceptions: [] })));
    await until('connected', () => monitor.stats().connected === 4);
    network.mineBlock();
    network.mineBlock(); // two blocks: headers announcements
    const inSample = Buffer.alloc(32, 1);
    inSample[31] = 0x10;
    const outOfSample = Buffer.alloc(32, 2);
    outOfSample[31] = 0xff;
    const tx = network.broadcastTx(inSample);
    network.broadcastTx(outOfSample);
    network.broadcastTx(inSample); // announced again: still one arrival per node
    await until('arrivals', () => recorder.stats().recorded >= 12);
    await sleep(200);
    const batch = recorder.drain();
    assert.deepEqual(batch.map((entry) => entry.kind).sort(), ['block', 'block', 'tx']);
    for (const entry of batch) assert.deepEqual([...entry.nodeIds].sort(), [1, 2, 3, 4], entry.hash);
    assert.equal(batch.find((entry) => entry.kind === 'tx')!.hash, tx);
    await until('throughput measured', () => [...sink.states.values()].filter((patch) => (patch.mbps ?? 0) > 0).length === 4);
  });

  it('the crawl simulator (npm run simulate, the demo) relays blocks and transactions too, each peer after its own delay', async () => {
    const network = await startSimulatedNetwork({ nodes: 6, hostileShare: 0, slowShare: 0, goneShare: 0, publicAddresses: false, spreadMs: 80, loopbackOctet: 177, randomSeed: 5 });
    cleanups.push(() => network.stop());
    const recorder = new PropagationRecorder();
    const monitor = new Monitor({ chain, dialer: network.dialer, sink: new Sink(), pingIntervalMs: 200, propagation: recorder, txSampleThreshold: txSampleThreshold(1) });
    cleanups.push(() => monitor.stop());
    monitor.sync(network.reachable().map((peer) => ({ id: String(peer.index + 1), address: peer.address, status: 'up', protocolVersion: null, userAgent: null, exceptions: [] })));
    await until('connected', () => monitor.stats().connected === 6);
    await until('subscribed', () => network.announcer.subscribers >= 6);
    network.announcer.mineBlock();
    network.announcer.broadcastTx();
    await until('every peer relayed both', () => recorder.stats().recorded === 12);
    const batch = recorder.drain();
    assert.deepEqual(batch.map((entry) => entry.kind).sort(), ['block', 'tx']);
    const block = batch.find((entry) => entry.kind === 'block')!;
    assert.equal(new Set(block.nodeIds).size, 6);
    assert.ok(Math.max(...block.announcedMs) > Math.min(...block.announcedMs), 'arrivals spread over time');
  });
});
