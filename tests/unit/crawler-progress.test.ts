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
