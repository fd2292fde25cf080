import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routeLabel } from '../../lib/metrics/route-label';

describe('routeLabel', () => {
  it('replaces dynamic segments by their param names', () => {
    assert.equal(routeLabel('/api/nodes/42/snapshots', { id: '42' }), '/api/nodes/[id]/snapshots');
    assert.equal(routeLabel('/api/v1/nodes/1.2.3.4-8333/latency/', { address: '1.2.3.4-8333' }), '/api/v1/nodes/[address]/latency');
    assert.equal(routeLabel('/api/v1/nodes/%5B2001%3Adb8%3A%3A1%5D-8333/', { address: '[2001:db8::1]-8333' }), '/api/v1/nodes/[address]');
    assert.equal(routeLabel('/api/stats.json', {}), '/api/stats.json');
    assert.equal(routeLabel('/api/v1/snapshots/latest/'), '/api/v1/snapshots/latest');
  });

  it('replaces the first matching segment after the previous param, so a value equal to a static segment stays bounded', () => {
    assert.equal(routeLabel('/api/nodes/snapshots/snapshots', { id: 'snapshots' }), '/api/nodes/[id]/snapshots');
    assert.equal(routeLabel('/api/nodes/%E0%A4%A/x', { id: '%E0%A4%A' }), '/api/nodes/[id]/x', 'malformed escapes are compared as they are');
  });
});
