import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { niceTicks } from '../../app/_components/line-chart';
import { nodesQuerySchema, statsQuerySchema } from '../../lib/api/schemas';
import { latencySeries, uptimeByDay } from '../../lib/dashboard/check-series';
import { formatDuration, formatUnix, nodePath } from '../../lib/dashboard/format';
import { parseRegisterForm, parseSettingInput, settingField } from '../../lib/dashboard/forms';
import { hrefWith, parseSearchParams } from '../../lib/dashboard/search-params';
import { parseSeedArgs } from '../../lib/demo/seed-args';
import { SETTING_KEYS } from '../../lib/settings/app-settings';

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

describe('account form checks', () => {
  it('register form: IP required, port 1–65535, empty label left out, brackets dropped', () => {
    assert.deepEqual(parseRegisterForm({ ip: ' 203.0.113.5 ', port: '8333', label: '' }), { ok: true, data: { ip: '203.0.113.5', port: 8333 } });
    assert.deepEqual(parseRegisterForm({ ip: '[2001:db8::1]', port: '1', label: ' rack 2 ' }), { ok: true, data: { ip: '2001:db8::1', port: 1, label: 'rack 2' } });
    const bad = parseRegisterForm({ ip: '', port: '70000', label: 'x'.repeat(81) });
    assert.equal(bad.ok, false);
    assert.deepEqual(!bad.ok && bad.errors.map((error) => error.field), ['ip', 'port', 'label']);
    for (const port of ['0', '65536', '', '12a', '-1', '1.5']) {
      const result = parseRegisterForm({ ip: '203.0.113.5', port, label: null });
      assert.ok(!result.ok && result.errors[0]!.field === 'port', port);
    }
  });

  it('settings: input type from the schema, values checked by it', () => {
    assert.equal(settingField('verification.require_review').kind, 'boolean');
    assert.deepEqual(settingField('registration.max_per_hour'), {
      key: 'registration.max_per_hour', kind: 'number', nullable: false, min: 1, max: 10_000, description: settingField('registration.max_per_hour').description,
    });
    assert.equal(settingField('versions.minimum').kind, 'text');
    assert.equal(settingField('versions.critical').nullable, true);
    for (const key of SETTING_KEYS) assert.ok(settingField(key).description.length > 10, key);

    assert.deepEqual(parseSettingInput('registration.max_per_hour', ' 25 '), { ok: true, value: 25 });
    assert.equal(parseSettingInput('registration.max_per_hour', '0').ok, false);
    assert.equal(parseSettingInput('registration.max_per_hour', '').ok, false);
    assert.equal(parseSettingInput('registration.max_per_hour', 'ten').ok, false);
    assert.equal(parseSettingInput('registration.max_per_hour', '2.5').ok, false);
    assert.deepEqual(parseSettingInput('versions.critical', ''), { ok: true, value: null });
    assert.deepEqual(parseSettingInput('versions.minimum', '27.0'), { ok: true, value: '27.0' });
    assert.match((parseSettingInput('versions.minimum', 'latest') as { message: string }).message, /a version like 27.1/);
    assert.equal(parseSettingInput('versions.client', 'Satoshi').ok, true);
    assert.equal(parseSettingInput('versions.client', '/Satoshi:27/').ok, false);
    assert.deepEqual(parseSettingInput('verification.require_review', true), { ok: true, value: true });
  });
});
