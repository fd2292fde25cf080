import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { niceTicks } from '../../app/_components/line-chart';
import { nodesQuerySchema, statsQuerySchema } from '../../lib/api/schemas';
import { latencySeries, uptimeByDay } from '../../lib/dashboard/check-series';
import { formatDuration, formatUnix, nodePath } from '../../lib/dashboard/format';
import { hrefWith, parseSearchParams } from '../../lib/dashboard/search-params';
import { parseSeedArgs } from '../../lib/demo/seed-args';

describe('dashboard search params', () => {
  it('parses with the API schema, ignoring blank form fields and repeated keys after the first', () => {
    const parsed = parseSearchParams(nodesQuerySchema, { country: 'de', tier: '', version: ['Satoshi', 'x'], online: 'true', page: '3' });
    assert.ok(parsed.ok);
    assert.equal(parsed.data.country, 'DE');
    assert.equal(parsed.data.tier, undefined);
    assert.equal(parsed.data.version, 'Satoshi');
    assert.equal(parsed.data.online, true);
    assert.equal(parsed.data.page, 3);
    assert.equal(parsed.data.sort, 'last_seen');
  });

  it('reports every invalid parameter by name instead of throwing', () => {
    const parsed = parseSearchParams(statsQuerySchema, { days: '365' });
    assert.equal(parsed.ok, false);
    assert.match((parsed as { issues: string[] }).issues[0]!, /^days: /);
    const nodes = parseSearchParams(nodesQuerySchema, { tier: 'platinum', page: '-1', country: 'Germany' });
    assert.equal(nodes.ok, false);
    assert.deepEqual((nodes as { issues: string[] }).issues.map((issue) => issue.split(':')[0]).sort(), ['country', 'page', 'tier']);
  });

  it('builds links without empty values', () => {
    assert.equal(hrefWith('/nodes', { country: 'DE', tier: undefined, online: true, page: '' }), '/nodes?country=DE&online=true');
    assert.equal(hrefWith('/nodes', {}), '/nodes');
  });
});

describe('dashboard formats', () => {
  it('turns API addresses into node page paths the node id parser accepts', () => {
    assert.equal(nodePath('203.0.113.5:8333'), '/nodes/203.0.113.5-8333');
    assert.equal(nodePath('[2001:db8::1]:8333'), '/nodes/2001%3Adb8%3A%3A1-8333');
  });

  it('formats durations and times', () => {
    assert.equal(formatDuration(45), '45 s');
    assert.equal(formatDuration(3 * 3600 + 20 * 60), '3 h 20 min');
    assert.equal(formatDuration(2 * 86400 + 4 * 3600), '2 d 4 h');
    assert.equal(formatUnix(0), '1 Jan 1970, 00:00 UTC');
    assert.equal(formatUnix(null), '—');
  });

  it('picks round chart ticks covering the data', () => {
    assert.deepEqual(niceTicks(0, 137), [0, 50, 100, 150]);
    assert.deepEqual(niceTicks(0, 100), [0, 20, 40, 60, 80, 100]);
    const flat = niceTicks(5, 5);
    assert.ok(flat[0]! <= 5 && flat.at(-1)! >= 5 && flat.length > 1);
  });
});

describe('check series', () => {
  const day = 86_400;
  const checks = [
    { checked_at: 2 * day + 3600, status: 'up' as const, latency_ms: 20 },
    { checked_at: 2 * day + 7200, status: 'down' as const, latency_ms: null },
    { checked_at: day + 10, status: 'up' as const, latency_ms: 30 },
  ].map((check) => ({ ...check, protocol_version: null, user_agent: null, services: null, height: null }));

  it('computes uptime per UTC day, oldest first', () => {
    assert.deepEqual(uptimeByDay(checks), [
      { day: day * 1000, uptime: 100, checks: 1 },
      { day: 2 * day * 1000, uptime: 50, checks: 2 },
    ]);
  });

  it('leaves failed probes as gaps in the latency line', () => {
    assert.deepEqual(latencySeries(checks).map((point) => point.y), [30, 20, null]);
  });
});

describe('npm run seed arguments', () => {
  it('validates and defaults', () => {
    assert.deepEqual(parseSeedArgs(['--nodes', '500', '--reset']), { nodes: 500, days: 7, seed: 1, 'history-nodes': 1000, reset: true });
    assert.throws(() => parseSeedArgs(['--nodes', '0']), /--nodes/);
    assert.throws(() => parseSeedArgs(['--days', 'many']), /--days/);
    assert.throws(() => parseSeedArgs(['--colour', 'red']), /colour/);
  });
});
