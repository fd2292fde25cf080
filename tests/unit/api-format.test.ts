import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asnLabel, servicesHex, servicesNumber, unixSeconds } from '../../lib/api/format';
import { nodeRefSchema } from '../../lib/api/node-ref';
import { nodesQuerySchema } from '../../lib/api/schemas';
import { describeZodError } from '../../lib/http/responses';

describe('API output formats', () => {
  it('formats service bits as 16 zero-padded hex digits', () => {
    assert.equal(servicesHex('0'), '0000000000000000');
    assert.equal(servicesHex('1033'), '0000000000000409');
    assert.equal(servicesHex('18446744073709551615'), 'ffffffffffffffff');
    assert.equal(servicesHex(null), null);
    assert.equal(servicesNumber('1033'), 1033);
  });

  it('writes times as unix seconds and ASNs as Bitnodes does', () => {
    assert.equal(unixSeconds(new Date('2026-11-24T12:00:00.999Z')), 1795521600);
    assert.equal(unixSeconds(null), null);
    assert.equal(asnLabel(13030), 'AS13030');
  });

  it('parses node references: numeric ids, IPv4, IPv6 (bare or bracketed, canonicalised), onion', () => {
    assert.deepEqual(nodeRefSchema.parse('42'), { kind: 'id', id: '42' });
    assert.deepEqual(nodeRefSchema.parse('203.0.113.5-8333'), { kind: 'address', ip: '203.0.113.5', port: 8333 });
    assert.deepEqual(nodeRefSchema.parse('2001:0DB8:0::1-8333'), { kind: 'address', ip: '2001:db8::1', port: 8333 });
    assert.deepEqual(nodeRefSchema.parse('[2001:db8::1]-8333'), { kind: 'address', ip: '2001:db8::1', port: 8333 });
    assert.deepEqual(nodeRefSchema.parse('%5B2001%3Adb8%3A%3A1%5D-8333'), { kind: 'address', ip: '2001:db8::1', port: 8333 });
    const onion = `${'a'.repeat(56)}.onion`;
    assert.deepEqual(nodeRefSchema.parse(`${onion}-9333`), { kind: 'address', ip: onion, port: 9333 });
    for (const bad of ['', 'abc', '203.0.113.5', '203.0.113.5-0', '203.0.113.5-65536', '203.0.113.5-80x', 'example.com-8333', '999.1.1.1-1']) {
      assert.equal(nodeRefSchema.safeParse(bad).success, false, bad);
    }
  });

  it('validates nodes.json queries: defaults, limit 500 allowed, 501 refused with a readable message', () => {
    assert.deepEqual(nodesQuerySchema.parse({}), { page: 1, limit: 100, sort: 'last_seen', order: 'desc' });
    assert.equal(nodesQuerySchema.parse({ limit: '500' }).limit, 500);
    const refused = nodesQuerySchema.safeParse({ limit: '501' });
    assert.equal(refused.success, false);
    assert.match(describeZodError(refused.error!), /^Validation failed: limit: Too big: expected number to be <=500$/);
    assert.deepEqual(nodesQuerySchema.parse({ country: 'de', verified: 'true', online: '0' }), {
      page: 1, limit: 100, sort: 'last_seen', order: 'desc', country: 'DE', verified: true, online: false,
    });
  });
});

describe('jsonEtag and If-None-Match', async () => {
  const { jsonEtag, ifNoneMatchHits } = await import('../../lib/api/etag');
  it('ignores a leading timestamp only, and compares tags weakly', () => {
    assert.equal(jsonEtag('{"timestamp":1,"a":1}'), jsonEtag('{"timestamp":2,"a":1}'));
    assert.notEqual(jsonEtag('{"timestamp":1,"a":1}'), jsonEtag('{"timestamp":1,"a":2}'));
    assert.notEqual(jsonEtag('{"a":1,"timestamp":1}'), jsonEtag('{"a":1,"timestamp":2}'));
    const tag = jsonEtag('{}');
    assert.ok(ifNoneMatchHits(tag, tag));
    assert.ok(ifNoneMatchHits(`"x", W/${tag}`, tag));
    assert.ok(ifNoneMatchHits('*', tag));
    assert.ok(!ifNoneMatchHits('"x"', tag));
    assert.ok(!ifNoneMatchHits(null, tag));
  });
});
