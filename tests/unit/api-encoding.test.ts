import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { compress, encodedEtag, ifNoneMatchesJson, negotiateEncoding } from '../../lib/api/encoding';
import { PreparedJson, TimestampedJson } from '../../lib/api/etag';
import { countedFilters, sumNodeCounts, type NodeCountRow } from '../../lib/api/node-counts';
import { snapshotProbeMs } from '../../lib/api/snapshot-cache';

describe('Accept-Encoding negotiation', () => {
  it('prefers br, then gzip, honours q-values, q=0 and *, and falls back to identity', () => {
    assert.equal(negotiateEncoding(null), 'identity');
    assert.equal(negotiateEncoding(''), 'identity');
    assert.equal(negotiateEncoding('gzip, deflate, br, zstd'), 'br');
    assert.equal(negotiateEncoding('gzip'), 'gzip');
    assert.equal(negotiateEncoding('x-gzip'), 'gzip');
    assert.equal(negotiateEncoding('GZIP;Q=0.8, BR;q=0.5'), 'gzip');
    assert.equal(negotiateEncoding('br;q=0, gzip'), 'gzip');
    assert.equal(negotiateEncoding('br;q=0, gzip;q=0'), 'identity');
    assert.equal(negotiateEncoding('*'), 'br');
    assert.equal(negotiateEncoding('*;q=0'), 'identity');
    assert.equal(negotiateEncoding('br;q=0, *'), 'gzip');
    assert.equal(negotiateEncoding('identity'), 'identity');
    assert.equal(negotiateEncoding('deflate'), 'identity');
    assert.equal(negotiateEncoding('br;q=garbage'), 'identity', 'an unreadable q-value is q=0');
    assert.equal(negotiateEncoding(`${'x,'.repeat(10_000)}br`), 'identity', 'bounded work: a huge header is cut');
  });

  it('tags each coding apart and revalidates any coding of the same content', () => {
    assert.equal(encodedEtag('abc', 'identity'), '"abc"');
    assert.equal(encodedEtag('abc', 'gzip'), '"abc-gz"');
    assert.equal(encodedEtag('abc', 'br'), '"abc-br"');
    assert.equal(ifNoneMatchesJson('"abc-gz"', 'abc'), true);
    assert.equal(ifNoneMatchesJson('W/"abc-br"', 'abc'), true);
    assert.equal(ifNoneMatchesJson('"x", "abc"', 'abc'), true);
    assert.equal(ifNoneMatchesJson('*', 'abc'), true);
    assert.equal(ifNoneMatchesJson('"abc-zz"', 'abc'), false);
    assert.equal(ifNoneMatchesJson('"ab"', 'abc'), false);
    assert.equal(ifNoneMatchesJson(null, 'abc'), false);
  });
});

describe('prepared JSON bodies', () => {
  it('compresses once per coding and round-trips', async () => {
    const prepared = PreparedJson.of({ list: Array.from({ length: 500 }, (_, index) => ({ index, name: `node ${index}` })) });
    const [br, gzip] = await Promise.all([prepared.body('br'), prepared.body('gzip')]);
    assert.ok(br.byteLength < prepared.byteLength / 3);
    assert.deepEqual(brotliDecompressSync(br), prepared.bytes);
    assert.deepEqual(gunzipSync(gzip), prepared.bytes);
    assert.equal(await prepared.body('br'), br, 'made once');
    assert.equal(await prepared.body('identity'), prepared.bytes);
    assert.deepEqual(await compress(Buffer.from('x'), 'identity'), Buffer.from('x'));
  });

  it('uses stored forms as given', async () => {
    const stored = new PreparedJson(Buffer.from('{"a":1}'), { tag: 'stored', forms: { gzip: Buffer.from('gz'), br: async () => Buffer.from('br') } });
    assert.equal(stored.etag, '"stored"');
    assert.equal((await stored.body('gzip')).toString(), 'gz');
    assert.equal((await stored.body('br')).toString(), 'br');
  });

  it('TimestampedJson: one tag whatever the second, the body rebuilt once per second', () => {
    const answer = new TimestampedJson({ timestamp: 1, total: 5, nested: { a: [1, 2] } });
    const first = answer.at(new Date(1_700_000_000_100));
    const same = answer.at(new Date(1_700_000_000_900));
    const next = answer.at(new Date(1_700_000_001_000));
    assert.equal(first, same);
    assert.notEqual(first, next);
    assert.deepEqual(JSON.parse(first.json), { timestamp: 1_700_000_000, total: 5, nested: { a: [1, 2] } });
    assert.deepEqual(JSON.parse(next.json), { timestamp: 1_700_000_001, total: 5, nested: { a: [1, 2] } });
    assert.equal(first.tag, next.tag);
    assert.equal(first.tag, PreparedJson.of({ timestamp: 99, total: 5, nested: { a: [1, 2] } }).tag, 'the tag of the same answer built per request');
    assert.notEqual(first.tag, new TimestampedJson({ timestamp: 1, total: 6, nested: { a: [1, 2] } }).tag);
    assert.deepEqual(JSON.parse(new TimestampedJson({ timestamp: 1 }).at(new Date(2000)).json), { timestamp: 2 });
    assert.throws(() => new TimestampedJson({ total: 1 } as never));
  });

  it('API_SNAPSHOT_PROBE_MS: 0–60000, default 1000', () => {
    assert.equal(snapshotProbeMs({}), 1000);
    assert.equal(snapshotProbeMs({ API_SNAPSHOT_PROBE_MS: '0' }), 0);
    assert.equal(snapshotProbeMs({ API_SNAPSHOT_PROBE_MS: '250' }), 250);
    assert.equal(snapshotProbeMs({ API_SNAPSHOT_PROBE_MS: '-1' }), 1000);
    assert.equal(snapshotProbeMs({ API_SNAPSHOT_PROBE_MS: 'soon' }), 1000);
    assert.equal(snapshotProbeMs({ API_SNAPSHOT_PROBE_MS: '' }), 1000);
  });
});

describe('nodes.json stored counts', () => {
  const rows: NodeCountRow[] = [
    ['DE', 'gold', true, false, 70015, 3],
    ['DE', 'silver', false, true, 70016, 2],
    ['US', 'gold', true, true, 70016, 4],
    [null, null, false, false, null, 1],
  ];
  it('sums the combinations that match', () => {
    assert.equal(sumNodeCounts(rows, {}), 10);
    assert.equal(sumNodeCounts(rows, { country: 'DE' }), 5);
    assert.equal(sumNodeCounts(rows, { tier: 'gold', online: true }), 7);
    assert.equal(sumNodeCounts(rows, { online: false }), 3);
    assert.equal(sumNodeCounts(rows, { verified: true, protocolVersion: 70016 }), 6);
    assert.equal(sumNodeCounts(rows, { country: 'FR' }), 0);
  });
  it('answers only the filters it counts; any other filter (or a user-agent search) is counted exactly', () => {
    assert.deepEqual(countedFilters({ page: 2, limit: 100, sort: 'tier', order: 'asc' }), {});
    assert.deepEqual(countedFilters({ country: 'DE', online: false, version: '70015' }), { country: 'DE', online: false, protocolVersion: 70015 });
    assert.equal(countedFilters({ version: 'Satoshi:27' }), null);
    assert.equal(countedFilters({ asn: 'AS3320' }), null, 'a filter added later is never summed from counts that ignore it');
    assert.deepEqual(countedFilters({ country: undefined, q: undefined }), {});
  });
});

describe('nodes.json response cache', async () => {
  const { cachedResponse, clearResponseCache, responseCacheMs } = await import('../../lib/api/response-cache');
  it('API_RESPONSE_CACHE_MS: 0–60000; default 1000 in production, off otherwise', () => {
    assert.equal(responseCacheMs({}), 0);
    assert.equal(responseCacheMs({ NODE_ENV: 'production' }), 1000);
    assert.equal(responseCacheMs({ NODE_ENV: 'production', API_RESPONSE_CACHE_MS: '0' }), 0);
    assert.equal(responseCacheMs({ API_RESPONSE_CACHE_MS: '250' }), 250);
    assert.equal(responseCacheMs({ NODE_ENV: 'production', API_RESPONSE_CACHE_MS: 'x' }), 1000);
    assert.equal(responseCacheMs({ API_RESPONSE_CACHE_MS: '999999' }), 0);
  });
  it('shares one computation per key within the window, recomputes after it, never caches failures', async () => {
    const saved = process.env.API_RESPONSE_CACHE_MS;
    process.env.API_RESPONSE_CACHE_MS = '1000';
    try {
      clearResponseCache();
      let calls = 0;
      const compute = async () => {
        calls += 1;
        return PreparedJson.of({ calls });
      };
      const [a, b] = await Promise.all([cachedResponse('k', compute, 10_000), cachedResponse('k', compute, 10_500)]);
      assert.equal(a, b);
      assert.equal(calls, 1);
      await cachedResponse('other', compute, 10_500);
      assert.equal(calls, 2, 'another key, another answer');
      assert.notEqual(await cachedResponse('k', compute, 11_000), a, 'after the window');
      await assert.rejects(cachedResponse('bad', async () => Promise.reject(new Error('db down')), 11_000));
      await cachedResponse('bad', compute, 11_001);
      assert.equal(calls, 4, 'a failure is not kept');
      process.env.API_RESPONSE_CACHE_MS = '0';
      await cachedResponse('k', compute, 11_002);
      assert.equal(calls, 5, 'off: every call computes');
    } finally {
      if (saved === undefined) delete process.env.API_RESPONSE_CACHE_MS;
      else process.env.API_RESPONSE_CACHE_MS = saved;
      clearResponseCache();
    }
  });
});
