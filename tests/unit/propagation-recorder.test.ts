import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { PropagationRecorder, type InvSighting } from '../../lib/propagation/recorder';
import { isSampledTxHex, isSampledTxWire, txSampleThreshold } from '../../lib/propagation/sampling';
import { percentile, propagationStats } from '../../lib/propagation/stats';

const hashOf = (n: number, prefix = '0000') => `${prefix}${n.toString(16).padStart(60, '0')}`;
const block = (n: number): InvSighting => ({ hash: hashOf(n, 'b10c'), kind: 'block' });
const tx = (n: number): InvSighting => ({ hash: hashOf(n), kind: 'tx' });
const rows = (recorder: PropagationRecorder) => recorder.drain().reduce((sum, entry) => sum + entry.nodeIds.length, 0);

describe('data propagation sampling', () => {
  it('samples by the displayed 16-bit prefix, the same in wire and display form', () => {
    const threshold = txSampleThreshold(0.25);
    assert.equal(threshold, 16_384);
    assert.equal(isSampledTxHex(`3fff${'f'.repeat(60)}`, threshold), true);
    assert.equal(isSampledTxHex(`4000${'0'.repeat(60)}`, threshold), false);
    assert.equal(isSampledTxHex('zz', threshold), false);
    assert.equal(txSampleThreshold(0), 0);
    assert.equal(txSampleThreshold(1), 65_536);
    assert.equal(txSampleThreshold(Number.NaN), 0);
    let sampled = 0;
    for (let index = 0; index < 4000; index += 1) {
      const wire = randomBytes(32);
      const display = Buffer.from(wire).reverse().toString('hex');
      assert.equal(isSampledTxWire(wire, threshold), isSampledTxHex(display, threshold), display);
      if (isSampledTxWire(wire, threshold)) sampled += 1;
    }
    assert.ok(sampled > 800 && sampled < 1200, `about a quarter sampled (${sampled}/4000)`);
    assert.equal(isSampledTxWire(Buffer.alloc(31), 65_536), false, 'a short hash is never sampled');
  });
});

describe('data propagation recorder', () => {
  it('keeps the first arrival per node and hands every arrival over once, batched per hash', () => {
    const recorder = new PropagationRecorder();
    recorder.record(1, [block(1), tx(7)], 1000);
    recorder.record(2, [block(1)], 1250);
    recorder.record(1, [block(1)], 1900); // again: ignored
    recorder.record(3, [{ hash: 'not-a-hash', kind: 'block' }, { hash: hashOf(1, 'B10C'), kind: 'block' }], 2000);
    const batch = recorder.drain();
    assert.deepEqual(
      batch.map((entry) => [entry.hash, entry.kind, entry.firstSeenMs, entry.nodeIds, entry.announcedMs]),
      [
        [hashOf(1, 'b10c'), 'block', 1000, [1, 2], [1000, 1250]],
        [hashOf(7), 'tx', 1000, [1], [1000]],
      ],
    );
    assert.deepEqual(recorder.drain(), [], 'drained');
    recorder.record(4, [block(1)], 3000);
    assert.deepEqual(recorder.drain().map((entry) => [entry.nodeIds, entry.firstSeenMs]), [[[4], 1000]], 'later arrivals keep the first-seen time');
  });

  it('records at most maxNodesPerInv nodes per hash', () => {
    const recorder = new PropagationRecorder({ maxNodesPerInv: 1000 });
    for (let node = 1; node <= 1500; node += 1) recorder.record(node, [block(1)], node);
    const [entry] = recorder.drain();
    assert.equal(entry!.nodeIds.length, 1000);
    assert.equal(entry!.nodeIds.at(-1), 1000, 'the first 1000 arrivals win');
    assert.equal(recorder.stats().refused.nodeCap, 500);
  });

  it('a peer spamming invented hashes creates at most its per-interval share, and cannot use up its block share with tx spam', () => {
    const recorder = new PropagationRecorder({ maxNewInvsPerPeer: 30, maxNewBlocksPerPeer: 6, intervalMs: 60_000 });
    const spam: InvSighting[] = Array.from({ length: 50_000 }, (_, index) => tx(index));
    recorder.record(666, spam, 1000);
    recorder.record(666, Array.from({ length: 100 }, (_, index) => block(index)), 1000);
    recorder.record(1, [tx(0), tx(40_000)], 1001);
    const batch = recorder.drain();
    assert.equal(batch.filter((entry) => entry.kind === 'tx' && entry.nodeIds.includes(666)).length, 30);
    assert.equal(batch.filter((entry) => entry.kind === 'block').length, 6);
    assert.deepEqual(batch.find((entry) => entry.hash === tx(0).hash)!.nodeIds, [666, 1], 'an honest peer still joins a known hash');
    assert.ok(batch.some((entry) => entry.hash === tx(40_000).hash), 'an honest peer may start a hash the spammer could not');
    assert.ok(recorder.stats().refused.peerCap >= 50_000 - 30);
    // the next interval gives the spammer a new, equally small share
    recorder.record(666, spam.slice(100, 200), 62_000);
    assert.equal(rows(recorder), 30);
  });

  it('caps new transactions per interval across all peers, and the tracked set and pending rows by size', () => {
    const recorder = new PropagationRecorder({ maxNewTxPerInterval: 100, maxNewInvsPerPeer: 1_000_000, intervalMs: 60_000 });
    for (let node = 1; node <= 1000; node += 1) recorder.record(node, [tx(node)], 10);
    assert.equal(rows(recorder), 100);
    assert.equal(recorder.stats().refused.txBudget, 900);

    const small = new PropagationRecorder({ maxTrackedInvs: 50, maxNewInvsPerPeer: 1_000_000, maxNewTxPerInterval: 1_000_000, maxPendingRows: 120 });
    for (let index = 0; index < 500; index += 1) small.record(index, [tx(index)], index);
    assert.ok(small.stats().tracked <= 50, `tracked ${small.stats().tracked}`);
    assert.equal(small.stats().pendingRows, 120);
    assert.equal(small.stats().refused.pending, 380);
  });

  it('lets go of hashes older than trackMs', () => {
    const recorder = new PropagationRecorder({ trackMs: 1000 });
    recorder.record(1, [block(1)], 0);
    recorder.record(2, [block(2)], 5000);
    assert.equal(recorder.stats().tracked, 1);
  });

  it('puts a failed batch back in front, merged per hash and bounded', () => {
    const recorder = new PropagationRecorder({ maxPendingRows: 3 });
    recorder.record(1, [block(1)], 1);
    recorder.record(2, [block(1)], 2);
    const failed = recorder.drain();
    recorder.record(3, [block(1)], 3);
    recorder.record(4, [block(1)], 4);
    recorder.requeue(failed);
    const [entry] = recorder.drain();
    assert.deepEqual(entry!.nodeIds, [1, 2, 3]);
    assert.equal(recorder.stats().refused.pending, 1);
  });
});

describe('data propagation statistics', () => {
  it('orders the head by time and gives delays from the first announcement like numpy', () => {
    const stats = propagationStats([
      { node: '203.0.113.3:8333', ms: 1_700_000_000_900 },
      { node: '203.0.113.1:8333', ms: 1_700_000_000_000 },
      { node: '203.0.113.2:8333', ms: 1_700_000_000_100 },
      { node: '[2001:db8::1]:8333', ms: 1_700_000_000_400 },
    ]);
    assert.deepEqual(stats.head, [
      ['203.0.113.1:8333', 1_700_000_000_000],
      ['203.0.113.2:8333', 1_700_000_000_100],
      ['[2001:db8::1]:8333', 1_700_000_000_400],
      ['203.0.113.3:8333', 1_700_000_000_900],
    ]);
    // deltas 0, 100, 400, 900
    assert.equal(stats.min, 0);
    assert.equal(stats.max, 900);
    assert.equal(stats.mean, 350);
    assert.equal(stats.std, 350);
    assert.equal(stats['50%'], 250);
    assert.equal(stats['90%'], 750);
    assert.equal(percentile([], 0.5), 0);
    assert.deepEqual(propagationStats([]), { head: [], min: 0, max: 0, mean: 0, std: 0, '50%': 0, '90%': 0 });
    assert.equal(propagationStats(Array.from({ length: 1500 }, (_, index) => ({ node: `n${index}`, ms: index }))).head.length, 1000);
  });
});

describe('block spread on the dashboard', async () => {
  const { delayHistogram, formatDelay, roundBinWidth, spreadSummary } = await import('../../lib/dashboard/propagation');
  it('bins delays with a round width, the maximum in the last bin', () => {
    assert.equal(roundBinWidth(1000, 20), 50);
    assert.equal(roundBinWidth(1900, 20), 100);
    assert.equal(roundBinWidth(0, 20), 1);
    const bins = delayHistogram([0, 10, 60, 999, 1000]);
    assert.equal(bins[0]!.from, 0);
    assert.equal(bins[0]!.to, 50);
    assert.equal(bins.reduce((sum, bin) => sum + bin.nodes, 0), 5);
    assert.equal(bins.at(-1)!.nodes, 1);
    assert.deepEqual(delayHistogram([]), []);
    assert.deepEqual(spreadSummary([900, 0, 100, 400]), { nodes: 4, median: 250, p90: 750, max: 900 });
    assert.equal(formatDelay(850), '850 ms');
    assert.equal(formatDelay(10_500), '10.5 s');
  });
});

describe('data propagation settings', async () => {
  const { resolveMonitorSettings } = await import('../../lib/monitor/settings');
  it('reads the sample share, flush interval and retention, refusing out-of-range values', () => {
    assert.deepEqual(resolveMonitorSettings({}).inv, { txSample: 0.25, flushMs: 2000, keep: 100_000 });
    assert.deepEqual(resolveMonitorSettings({ MONITOR_INV_TX_SAMPLE: '0', MONITOR_INV_FLUSH_MS: '500', MONITOR_INV_KEEP: '5000' }).inv, { txSample: 0, flushMs: 500, keep: 5000 });
    assert.throws(() => resolveMonitorSettings({ MONITOR_INV_TX_SAMPLE: '1.5' }), /MONITOR_INV_TX_SAMPLE/);
    assert.throws(() => resolveMonitorSettings({ MONITOR_INV_KEEP: '10' }), /MONITOR_INV_KEEP/);
  });
});
