import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProgress } from '../../crawler/progress';
import type { PeerAddress } from '../../lib/crawler/types';
import { crawlNetwork, type CrawlProgress } from '../../lib/p2p/crawl';

describe('crawl progress', () => {
  it('formats dialed, up, failed, rate and ETA', () => {
    assert.equal(
      formatProgress({ dialed: 1000, ok: 700, failed: 250, running: 50, queued: 950, elapsedMs: 10_000 }),
      'dialed 1000 (700 up, 250 failed), 100/s, 1000 waiting, ETA 10s',
    );
    assert.match(formatProgress({ dialed: 0, ok: 0, failed: 0, running: 0, queued: 5, elapsedMs: 0 }), /ETA \?/);
  });

  it('reports progress while the crawl runs, and counts addresses from DNS seeds (0 when every seed failed)', async () => {
    const seen: CrawlProgress[] = [];
    const failing = { resolve4: () => Promise.reject(Object.assign(new Error('queryA EAI_AGAIN'), { code: 'EAI_AGAIN' })), resolve6: () => Promise.reject(Object.assign(new Error('x'), { code: 'EAI_AGAIN' })) };
    const stats = await crawlNetwork({
      chain: { defaultPort: 8333 },
      seeds: [{ host: '5.9.1.1', port: 8333, network: 'ipv4' }],
      dnsSeeds: ['seed.invalid'],
      resolver: failing,
      probe: async (address: PeerAddress) => {
        await new Promise((resolve) => setTimeout(resolve, 120));
        return { address, checkedAt: new Date(), ok: true, learned: [] };
      },
      concurrency: 1,
      maxAddresses: 10,
      onProgress: (progress) => seen.push(progress),
      progressIntervalMs: 30,
    });
    assert.equal(stats.dnsSeedAddresses, 0);
    assert.ok(seen.length >= 2, 'progress reported during the crawl');
    assert.equal(seen.at(-1)?.running, 1);
  });
});

describe('bounded queue between probes and writes', () => {
  it('starts no probe while the consumer is full, resumes when it makes room, and never holds slots idle', async () => {
    const { BatchWriter } = await import('../../crawler/batch-writer');
    let failWrites = 2;
    const written: number[] = [];
    let maxPending = 0;
    const writer = new BatchWriter<ProbeResultLike>(
      async (batch) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (failWrites > 0) {
          failWrites -= 1;
          throw new Error('database restarting');
        }
        written.push(batch.length);
      },
      5,
      { retryDelayMs: 30 },
    );
    const addresses = Array.from({ length: 60 }, (_, index): PeerAddress => ({ host: `5.9.3.${index + 1}`, port: 8333, network: 'ipv4' }));
    const stats = await crawlNetwork({
      chain: { defaultPort: 8333 },
      seeds: addresses,
      probe: async (address) => ({ address, checkedAt: new Date(), ok: true, learned: [] }),
      concurrency: 8,
      maxAddresses: 100,
      onResult: (result) => {
        writer.add(result);
        maxPending = Math.max(maxPending, writer.pending);
      },
      backpressure: { blocked: () => writer.pending >= 10, subscribe: (wake) => writer.onDrain(wake) },
    });
    await writer.close();
    assert.equal(stats.dialed, 60);
    assert.equal(writer.written, 60, 'everything written, through the outage');
    assert.ok(maxPending < 10 + 8, `the queue stayed bounded (${maxPending})`);
  });
});

type ProbeResultLike = import('../../lib/crawler/types').ProbeResult;
