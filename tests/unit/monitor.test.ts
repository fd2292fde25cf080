import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLiveNetwork, type LiveNetwork } from '../../crawler/simulator';
import { CHAIN_PRESETS } from '../../lib/chains/presets';
import type { NewNodeEvent } from '../../lib/events/types';
import { directDialer } from '../../lib/p2p/dialer';
import { reconnectDelay } from '../../lib/monitor/backoff';
import { diffExceptions, evaluateExceptions, DEFAULT_EXCEPTION_RULES } from '../../lib/monitor/exceptions';
import { applyAnnouncements, BlockHeightIndex, consensusHeight, median } from '../../lib/monitor/heights';
import { Monitor, type MonitorSink, type MonitorTarget, type NodeStatePatch } from '../../lib/monitor/monitor';

class RecordingSink implements MonitorSink {
  events: NewNodeEvent[] = [];
  states = new Map<string, NodeStatePatch>();
  spans: { nodeId: string; state: string; at: Date }[] = [];
  event(event: NewNodeEvent) {
    this.events.push(event);
  }
  state(nodeId: string, patch: NodeStatePatch) {
    this.states.set(nodeId, { ...this.states.get(nodeId), ...patch });
  }
  span(nodeId: string, state: 'up' | 'down' | 'end', at: Date) {
    this.spans.push({ nodeId, state, at });
  }
  of(nodeId: string, type?: string) {
    return this.events.filter((event) => event.nodeId === nodeId && (!type || event.type === type));
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const chain = CHAIN_PRESETS.bitcoin;

function targetsOf(network: LiveNetwork, overrides: Partial<MonitorTarget> = {}): MonitorTarget[] {
  return network.peers.map((peer) => ({
    id: String(peer.index + 1),
    address: peer.address,
    status: 'up',
    protocolVersion: chain.protocolVersion,
    userAgent: '/Satoshi:28.1.0/',
    exceptions: [],
    ...overrides,
  }));
}

describe('monitor pure parts', () => {
  it('places announced blocks by parent, shared hash, or best + 1', () => {
    const index = new BlockHeightIndex(3);
    assert.equal(applyAnnouncements(100, [{ hash: 'a' }], { index, consensus: 100 }), 101);
    assert.equal(index.get('a'), 101);
    assert.equal(applyAnnouncements(90, [{ hash: 'a' }], { index, consensus: 100 }), 101, 'a known hash keeps its height for every peer');
    assert.equal(applyAnnouncements(101, [{ hash: 'b', prevHash: 'a' }, { hash: 'c', prevHash: 'b' }], { index, consensus: 100 }), 103);
    // A liar far above consensus moves its own height but does not poison the shared index.
    assert.equal(applyAnnouncements(5_000_000, [{ hash: 'x' }], { index, consensus: 103 }), 5_000_001);
    assert.equal(index.get('x'), undefined);
    assert.ok(index.size <= 3, 'the index is bounded');
    assert.equal(consensusHeight([5, 7, 7, 9, 9, 0]), 9);
    assert.equal(consensusHeight([]), null);
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 2, 3]), 2.5);
  });

  it('backs off exponentially with a cap and bounded jitter', () => {
    const policy = { baseMs: 1000, maxMs: 10_000 };
    assert.equal(reconnectDelay(0, policy, () => 0.5), 1000);
    assert.equal(reconnectDelay(2, policy, () => 0.5), 4000);
    assert.equal(reconnectDelay(50, policy, () => 0.5), 10_000);
    assert.ok(reconnectDelay(0, policy, () => 0) >= 800 && reconnectDelay(0, policy, () => 0.999) <= 1200);
  });

  it('tells offline from not accepting connections, and diffs exception sets', () => {
    const base = { up: false, failure: 'connect' as const, behindSince: null, behindBy: 0, medianRttMs: null, outagesLast24h: 0, outdated: null };
    assert.deepEqual(Object.keys(evaluateExceptions(base, DEFAULT_EXCEPTION_RULES, 0)), ['offline']);
    assert.deepEqual(Object.keys(evaluateExceptions({ ...base, failure: 'handshake' }, DEFAULT_EXCEPTION_RULES, 0)), ['not_accepting_connections']);
    const up = evaluateExceptions({ ...base, up: true, failure: null, behindSince: 0, behindBy: 9, medianRttMs: 2000, outagesLast24h: 3, outdated: true }, DEFAULT_EXCEPTION_RULES, 31 * 60_000);
    assert.deepEqual(Object.keys(up).sort(), ['behind_tip', 'flapping', 'high_latency', 'outdated']);
    assert.deepEqual(diffExceptions({ offline: {} }, up), { raised: ['behind_tip', 'outdated', 'high_latency', 'flapping'], cleared: ['offline'] });
  });
});

describe('monitor on a live simulated network', () => {
  const monitors: Monitor[] = [];
  const networks: LiveNetwork[] = [];
  after(async () => {
    for (const monitor of monitors) monitor.stop();
    await Promise.all(networks.map((network) => network.stop()));
  });
  const start = async (peers: number, extra: Parameters<typeof startLiveNetwork>[0] extends infer O ? Partial<O> : never = {}) => {
    const network = await startLiveNetwork({ peers, loopbackOctet: 151 + networks.length, ...extra });
    networks.push(network);
    const sink = new RecordingSink();
    const monitor = new Monitor({
      chain,
      dialer: directDialer,
      sink,
      pingIntervalMs: 100,
      timeouts: { connectMs: 2000, handshakeMs: 2000, pongMs: 2000 },
      backoff: { baseMs: 100, maxMs: 400 },
      rules: { behindBlocks: 1, behindMinutes: 0, highLatencyMs: 150, flappingOutages: 2 },
      evaluateIntervalMs: 100,
      isOutdated: () => false,
    });
    monitors.push(monitor);
    return { network, sink, monitor };
  };

  it('holds connections, measures RTT from pongs and follows announced heights', async () => {
    const { network, sink, monitor } = await start(3, { pingDelayMs: (index) => (index === 2 ? 250 : 0), stuck: (index) => index === 1 });
    monitor.sync(targetsOf(network));
    await until('three connections', () => monitor.stats().connected === 3);
    assert.equal(sink.events.filter((event) => event.type === 'node_up').length, 0, 'nodes already up are not announced again');
    assert.deepEqual(sink.spans.map((span) => span.state), ['up', 'up', 'up']);
    await until('pongs', () => sink.states.get('3')?.latencyMs != null && sink.states.get('1')?.latencyMs != null);
    assert.ok(sink.states.get('3')!.latencyMs! >= 240, `slow pongs measured (${sink.states.get('3')!.latencyMs})`);
    assert.ok(sink.states.get('1')!.latencyMs! < 200);
    const startHeight = network.height;
    network.mineBlock();
    network.mineBlock();
    await until('heights', () => sink.states.get('1')?.height === startHeight + 2 && sink.states.get('3')?.height === startHeight + 2);
    assert.equal(sink.states.get('2')?.height, startHeight, 'a stuck peer stays behind');
    await until('height_behind', () => sink.of('2', 'height_behind').length === 1);
    assert.equal(sink.of('2', 'height_behind')[0]!.details.blocks_behind, 2);
    await until('exceptions', () => sink.of('2', 'exception_raised').some((event) => event.details.kind === 'behind_tip'));
    assert.ok(sink.of('3', 'exception_raised').some((event) => event.details.kind === 'high_latency'));
    assert.equal(sink.of('1', 'exception_raised').length, 0);
    assert.equal(monitor.stats().consensusHeight, startHeight + 2);
  });

  it('does not count a single reset as an outage, confirms a drop with one redial, and sees the node come back', async () => {
    const { network, sink, monitor } = await start(2);
    monitor.sync(targetsOf(network));
    await until('connected', () => monitor.stats().connected === 2);
    network.peers[0]!.reset();
    await sleep(300);
    await until('reconnected', () => monitor.stats().connected === 2);
    assert.equal(sink.of('1', 'node_down').length, 0);

    const dropped = Date.now();
    await network.peers[0]!.goDown();
    await until('node_down', () => sink.of('1', 'node_down').length === 1);
    const down = sink.of('1', 'node_down')[0]!;
    assert.ok(Math.abs(down.occurredAt.getTime() - dropped) < 1000, 'dated at the drop');
    assert.equal(sink.states.get('1')!.status, 'down');
    assert.ok(sink.of('1', 'exception_raised').some((event) => event.details.kind === 'offline'));
    await sleep(500); // several backoff retries against a closed port
    assert.equal(sink.of('1', 'node_down').length, 1, 'one event per outage');

    network.peers[0]!.setUserAgent('/Satoshi:29.0.0/');
    await network.peers[0]!.comeBack();
    await until('node_up', () => sink.of('1', 'node_up').length === 1);
    assert.equal(sink.states.get('1')!.status, 'up');
    assert.ok(sink.of('1', 'exception_cleared').some((event) => event.details.kind === 'offline'));
    const changed = sink.of('1', 'version_changed');
    assert.equal(changed.length, 1);
    assert.deepEqual(changed[0]!.details.to, { protocol_version: chain.protocolVersion, user_agent: '/Satoshi:29.0.0/' });
    assert.deepEqual(sink.spans.filter((span) => span.nodeId === '1').map((span) => span.state), ['up', 'down', 'up']);
    assert.equal(sink.of('2').filter((event) => event.type === 'node_down').length, 0);

    // A second outage within 24 h: flapping (rules say 2).
    await network.peers[0]!.goDown();
    await until('flapping', () => sink.of('1', 'exception_raised').some((event) => event.details.kind === 'flapping'));

    monitor.sync([]);
    assert.equal(monitor.stats().held, 0);
    assert.equal(sink.spans.filter((span) => span.state === 'end').length, 2, 'released nodes end their spans');
  });

  it('drops and returns on a schedule', async () => {
    const { network, sink, monitor } = await start(1, { schedule: () => ({ upMs: 300, downMs: 300 }) });
    monitor.sync(targetsOf(network));
    await until('two outages', () => sink.of('1', 'node_down').length >= 2 && sink.of('1', 'node_up').length >= 1, 10_000);
  });
});
