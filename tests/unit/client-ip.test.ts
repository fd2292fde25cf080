import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientBucket, clientIp, parseTrustedProxies, PEER_HEADER, peerHeaderValue, requestIsHttps } from '../../lib/http/client-ip';

const KEY = 'test-peer-key-0123456789';
const env = (extra: Record<string, string> = {}) => ({ PEERSCOPE_PEER_KEY: KEY, ...extra });
const fromSocket = (ip: string, extra: Record<string, string> = {}, scheme: 'http' | 'https' = 'http') =>
  new Headers({ [PEER_HEADER]: peerHeaderValue(KEY, ip, scheme), ...extra });

describe('client address', () => {
  it('is the socket address whatever forwarding headers the client sends', () => {
    const headers = fromSocket('198.51.100.7', { 'x-forwarded-for': '203.0.113.1', 'x-real-ip': '203.0.113.2' });
    assert.equal(clientIp(headers, env()), '198.51.100.7');
    assert.equal(clientIp(fromSocket('::ffff:198.51.100.7'), env()), '198.51.100.7');
  });

  it('refuses a forged or unkeyed socket stamp', () => {
    const forged = new Headers({ [PEER_HEADER]: peerHeaderValue('guessed-key-000000000000', '203.0.113.1', 'https') });
    assert.equal(clientIp(forged, env()), 'unknown');
    assert.equal(clientIp(fromSocket('203.0.113.1'), {}), 'unknown', 'no key configured: nothing is trusted');
    assert.equal(clientIp(new Headers({ 'x-forwarded-for': '203.0.113.1' }), env()), 'unknown');
  });

  it('walks X-Forwarded-For back through trusted proxies only', () => {
    const trusted = env({ TRUSTED_PROXIES: '10.0.0.0/8, loopback' });
    assert.equal(clientIp(fromSocket('127.0.0.1', { 'x-forwarded-for': '203.0.113.5, 198.51.100.9, 10.1.2.3' }), trusted), '198.51.100.9');
    assert.equal(clientIp(fromSocket('10.0.0.1', { 'x-forwarded-for': 'not-an-ip, 10.0.0.2' }), trusted), '10.0.0.2');
    assert.equal(clientIp(fromSocket('10.0.0.1'), trusted), '10.0.0.1');
    assert.equal(clientIp(fromSocket('198.51.100.1', { 'x-forwarded-for': '203.0.113.5' }), trusted), '198.51.100.1');
  });

  it('takes the platform header with TRUSTED_PROXIES=vercel or on Vercel', () => {
    const headers = new Headers({ 'x-real-ip': '203.0.113.8', 'x-forwarded-for': '203.0.113.8' });
    assert.equal(clientIp(headers, { TRUSTED_PROXIES: 'vercel' }), '203.0.113.8');
    assert.equal(clientIp(headers, { VERCEL: '1' }), '203.0.113.8');
    assert.equal(clientIp(new Headers({ 'x-forwarded-for': '192.0.2.1, 203.0.113.9' }), { TRUSTED_PROXIES: 'platform' }), '203.0.113.9');
    assert.equal(clientIp(headers, {}), 'unknown');
  });

  it('rejects a malformed TRUSTED_PROXIES entry by name', () => {
    assert.throws(() => parseTrustedProxies('10.0.0.0/8, nonsense'), /nonsense/);
  });

  it('tells https from the socket, or from a trusted proxy', () => {
    const req = (headers: Headers) => new Request('http://localhost/api/auth/signin', { headers });
    assert.equal(requestIsHttps(req(fromSocket('198.51.100.7', { 'x-forwarded-proto': 'https' })), env()), false);
    assert.equal(requestIsHttps(req(fromSocket('198.51.100.7', {}, 'https')), env()), true);
    assert.equal(requestIsHttps(req(fromSocket('127.0.0.1', { 'x-forwarded-proto': 'https' })), env({ TRUSTED_PROXIES: 'loopback' })), true);
    assert.equal(requestIsHttps(req(new Headers({ 'x-forwarded-proto': 'https' })), { TRUSTED_PROXIES: 'vercel' }), true);
  });

  it('buckets IPv6 clients by /64 for limits', () => {
    assert.equal(clientBucket(fromSocket('2001:db8:1:2:aaaa::1'), env()), '2001:db8:1:2::/64');
    assert.equal(clientBucket(fromSocket('2001:db8:1:2:bbbb::9'), env()), '2001:db8:1:2::/64');
    assert.equal(clientBucket(fromSocket('198.51.100.7'), env()), '198.51.100.7');
  });
});
