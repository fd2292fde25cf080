import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { StatusBadge, VersionBadge } from '../../app/_components/badges';
import { NodeFilters } from '../../app/_components/node-filters';
import { nodesQuerySchema } from '../../lib/api/schemas';
import { classifyVersion, detectVersions, resolveVersionClasses, versionSettingsProblem } from '../../lib/versions/classes';
import { compareVersions, formatVersion, parseClientVersion, parseVersion } from '../../lib/versions/parse';

describe('version classes (pure)', () => {
  it('parses the first user-agent component', () => {
    assert.deepEqual(parseClientVersion('/Satoshi:27.0.0(peerscope-abc)/'), { client: 'Satoshi', version: [27, 0, 0, 0] });
    assert.deepEqual(parseClientVersion('/Shibetoshi:1.14.7/'), { client: 'Shibetoshi', version: [1, 14, 7, 0] });
    assert.deepEqual(parseClientVersion('/Satoshi:28.1.0/Knots:20250305/'), { client: 'Satoshi', version: [28, 1, 0, 0] });
    for (const bad of ['garbage', '/Satoshi:/', '/Satoshi:1.2.3.4.5/', '/Satoshi:1234567/', '/Satoshi:1..2/', '/Satoshi:.1/', null, '']) {
      assert.equal(parseClientVersion(bad), null, String(bad));
    }
  });

  it('compares number by number, missing numbers as 0', () => {
    assert.ok(compareVersions(parseVersion('27.1')!, parseVersion('27.10')!) < 0);
    assert.equal(compareVersions(parseVersion('27.1')!, parseVersion('27.1.0.0')!), 0);
    assert.ok(compareVersions(parseVersion('0.21.2.2')!, parseVersion('0.21.2')!) > 0);
    assert.equal(formatVersion([28, 1, 0, 0]), '28.1.0');
    assert.equal(formatVersion([0, 21, 2, 2]), '0.21.2.2');
    assert.equal(parseVersion('latest'), null);
  });

  it('detects the most common client, and its most common version (ties: the higher)', () => {
    const detected = detectVersions([
      { client: 'Satoshi', version: [27, 0, 0, 0], count: 2 },
      { client: 'Satoshi', version: [28, 1, 0, 0], count: 2 },
      { client: 'btcd', version: [0, 24, 0, 0], count: 3 },
      { client: 'Satoshi', version: [26, 0, 0, 0], count: 1 },
    ]);
    assert.equal(detected.client, 'Satoshi', '5 Satoshi nodes against 3 btcd');
    assert.equal(detected.versions.Satoshi, '28.1.0');
    assert.equal(detected.versions.btcd, '0.24.0');
    assert.deepEqual(detectVersions([]), { client: null, versions: {} });
  });

  it('classes: critical < critical ≤ outdated < minimum ≤ current; other clients unknown', () => {
    const detected = { client: 'Satoshi', versions: { Satoshi: '28.1.0', btcd: '0.24.0' } };
    const classes = resolveVersionClasses({ client: null, current: null, minimum: '27.0', critical: '25.0' }, detected);
    const of = (userAgent: string) => classifyVersion(parseClientVersion(userAgent), classes);
    assert.equal(of('/Satoshi:28.1.0/'), 'current');
    assert.equal(of('/Satoshi:27.0.0/'), 'current');
    assert.equal(of('/Satoshi:26.9.9/'), 'outdated');
    assert.equal(of('/Satoshi:25.0.0/'), 'outdated');
    assert.equal(of('/Satoshi:24.2/'), 'critical');
    assert.equal(of('/btcd:0.1.0/'), 'unknown');
    assert.equal(of('garbage'), 'unknown');
    const nothing = resolveVersionClasses({ client: null, current: null, minimum: null, critical: null }, { client: null, versions: {} });
    assert.equal(classifyVersion(parseClientVersion('/Satoshi:1.0/'), nothing), 'unknown');
    // The client setting picks that client's detected version.
    const btcd = resolveVersionClasses({ client: 'btcd', current: null, minimum: null, critical: null }, detected);
    assert.deepEqual([btcd.client, btcd.current, btcd.minimum, btcd.sources.current], ['btcd', '0.24.0', '0.24.0', 'detected']);
    // A client name that is an Object.prototype key finds nothing.
    const proto = resolveVersionClasses({ client: '__proto__', current: null, minimum: null, critical: null }, detected);
    assert.deepEqual([proto.current, proto.minimum], [null, null]);
  });

  it('set values must be ordered', () => {
    assert.equal(versionSettingsProblem({ client: null, current: '28.0', minimum: '27.0', critical: '25.0' }), null);
    assert.match(versionSettingsProblem({ client: null, current: null, minimum: '27.0', critical: '27.1' })!, /critical/);
    assert.match(versionSettingsProblem({ client: null, current: '26.0', minimum: '27.0', critical: null })!, /minimum/);
  });
});

describe('dashboard: reachability and version class controls', () => {
  it('shows reachable distinctly and a version badge for known classes only', () => {
    assert.match(renderToStaticMarkup(createElement(StatusBadge, { status: 'reachable' })), /status-reachable[^>]*>Reachable</);
    assert.match(renderToStaticMarkup(createElement(VersionBadge, { status: 'critical' })), /version-critical[^>]*>Critical</);
    assert.equal(renderToStaticMarkup(createElement(VersionBadge, { status: 'unknown' })), '');
  });

  it('the nodes filter form offers status and version_status with the current choice selected', () => {
    const html = renderToStaticMarkup(createElement(NodeFilters, { query: nodesQuerySchema.parse({ status: 'reachable', version_status: 'outdated' }) }));
    assert.match(html, /<select name="status">/);
    assert.match(html, /<select name="version_status">/);
    assert.match(html, /<option value="reachable" selected="">Reachable \(TCP only\)<\/option>/);
    assert.match(html, /<option value="outdated" selected="">Outdated<\/option>/);
    for (const value of ['up', 'down', 'unknown', 'current', 'critical']) assert.match(html, new RegExp(`<option value="${value}"`));
  });
});
