import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPublicAddress, parseIp } from '../../lib/net/ip-policy';

const isPublic = (ip: string) => isPublicAddress(parseIp(ip)!);

describe('address policy', () => {
  it('refuses IPv4-compatible IPv6 (::/96), which embeds IPv4 such as 127.0.0.1', () => {
    for (const ip of ['::7f00:1', '::a00:1', '::c0a8:101', '::808:808']) assert.equal(isPublic(ip), false, ip);
    assert.equal(parseIp('::7f00:1')!.range, 'ipv4Compatible');
  });

  it('refuses every special-purpose range and accepts public unicast', () => {
    const refused = [
      '0.1.2.3', '10.1.1.1', '100.64.0.1', '127.0.0.1', '169.254.1.1', '172.16.0.1', '192.0.0.1', '192.0.2.1',
      '192.88.99.1', '192.168.1.1', '198.18.0.1', '198.51.100.1', '203.0.113.1', '224.0.0.1', '240.0.0.1',
      '255.255.255.255', '::', '::1', '::ffff:127.0.0.1', '::ffff:0:7f00:1', '64:ff9b::7f00:1', '64:ff9b:1::1',
      '100::1', '2001::1', '2001:2::1', '2001:10::1', '2001:20::1', '2001:db8::1', '2002:7f00:1::', '3fff::1',
      '5f00::1', 'fc00::1', 'fe80::1', 'fec0::1', 'ff02::1',
    ];
    for (const ip of refused) assert.equal(isPublic(ip), false, ip);
    for (const ip of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) assert.equal(isPublic(ip), true, ip);
  });
});
