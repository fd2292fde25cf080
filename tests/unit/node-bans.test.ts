import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBanSchema } from '../../lib/bans/schemas';
import { addressAdmission, denyListMatcher } from '../../lib/p2p/gossip-policy';

describe('ban list input and matching', () => {
  it('normalises a target and refuses ranges broader than /8 (IPv4) or /16 (IPv6)', () => {
    const parse = (body: object) => createBanSchema.safeParse({ reason: 'r', ...body });
    const cidr = parse({ cidr: '203.0.113.77/24' });
    assert.ok(cidr.success && cidr.data.cidr === '203.0.113.0/24');
    const v6 = parse({ cidr: '2001:DB8:0:0::5/48' });
    assert.ok(v6.success && v6.data.cidr === '2001:db8::/48');
    assert.equal(parse({ cidr: '10.0.0.0/7' }).success, false);
    assert.equal(parse({ cidr: '10.0.0.0/33' }).success, false);
    assert.equal(parse({ cidr: '2001:db8::/15' }).success, false);
    const asn = parse({ asn: 'as64496' });
    assert.ok(asn.success && asn.data.asn === 64496);
    const node = parse({ node: '[2001:DB8::1]-8333' });
    assert.ok(node.success && node.data.node?.kind === 'address' && node.data.node.ip === '2001:db8::1' && node.data.node.port === 8333);
    const byId = parse({ node: 42 });
    assert.ok(byId.success && byId.data.node?.kind === 'id' && byId.data.node.id === '42');
    assert.equal(parse({}).success, false, 'a target is required');
    assert.equal(parse({ node: 1, asn: 1 }).success, false, 'one target only');
  });

  it('matches single nodes (onion too), ranges and ASNs with the crawler deny-list matcher', () => {
    const denied = denyListMatcher({
      denyCidrs: ['198.51.100.0/24', '2001:db8::/32'],
      denyAsns: [64500],
      denyAddresses: ['203.0.113.5:8333', 'abcdefghijklmnop.onion:8333'],
      asnOf: (host) => (host === '192.0.2.1' ? 64500 : null),
    });
    assert.equal(denied({ host: '203.0.113.5', port: 8333, network: 'ipv4' }), 'denied 203.0.113.5:8333');
    assert.equal(denied({ host: '203.0.113.5', port: 8334, network: 'ipv4' }), null, 'another port of the same host');
    assert.match(denied({ host: '198.51.100.200', port: 1, network: 'ipv4' })!, /198\.51\.100\.0\/24/);
    assert.match(denied({ host: '2001:db8::9', port: 1, network: 'ipv6' })!, /2001:db8::\/32/);
    assert.equal(denied({ host: '192.0.2.1', port: 1, network: 'ipv4' }), 'denied AS64500');
    assert.equal(denied({ host: 'abcdefghijklmnop.onion', port: 8333, network: 'onion' }), 'denied abcdefghijklmnop.onion:8333');
    assert.equal(denied({ host: 'zzzzzzzzzzzzzzzz.onion', port: 8333, network: 'onion' }), null);
    // Through the crawler's admission: banned onion peers are refused before any dial.
    const admit = addressAdmission({ allowNonPublicAddresses: false, denyCidrs: [], denyAsns: [], denyAddresses: ['abcdefghijklmnop.onion:8333'] });
    assert.match(admit({ host: 'abcdefghijklmnop.onion', port: 8333, network: 'onion' })!, /denied/);
    assert.equal(admit({ host: 'abcdefghijklmnop.onion', port: 0, network: 'onion' }), 'port 0 or out of range');
  });
});
