import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MIN_RECHECK_MS } from '../../lib/crawler/persist';
import { resolveWorkerSettings } from '../../crawler/settings';
import { DEFAULT_RETENTION_SETTINGS } from '../../lib/retention/settings';
import { minRecheckFor } from '../../crawler/worker';

describe('crawler worker settings', () => {
  it('has sensible defaults', () => {
    assert.deepEqual(resolveWorkerSettings({}), { intervalMs: 300_000, once: false, simulatorPath: undefined, flushSize: 500, geo: true, retention: DEFAULT_RETENTION_SETTINGS });
  });

  it('parses every setting', () => {
    const settings = resolveWorkerSettings({
      CRAWL_INTERVAL_SECONDS: '60',
      CRAWLER_ONCE: '1',
      CRAWLER_SIMULATOR: '.data/simulator.json',
      CRAWLER_FLUSH_SIZE: '100',
      CRAWLER_GEO: 'false',
    });
    assert.deepEqual(settings, { intervalMs: 60_000, once: true, simulatorPath: '.data/simulator.json', flushSize: 100, geo: false, retention: DEFAULT_RETENTION_SETTINGS });
  });

  it('names the bad setting', () => {
    assert.throws(() => resolveWorkerSettings({ CRAWL_INTERVAL_SECONDS: '2' }), /CRAWL_INTERVAL_SECONDS/);
    assert.throws(() => resolveWorkerSettings({ CRAWLER_FLUSH_SIZE: 'many' }), /CRAWLER_FLUSH_SIZE/);
    assert.throws(() => resolveWorkerSettings({ CRAWLER_ONCE: 'maybe' }), /CRAWLER_ONCE/);
  });

  it('re-probes after half the interval, never sooner than needed nor later than the default', () => {
    assert.equal(minRecheckFor(20_000), 10_000);
    assert.equal(minRecheckFor(3_600_000), DEFAULT_MIN_RECHECK_MS);
  });
});
