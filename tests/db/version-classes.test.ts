import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GET as getChainConfig } from '../../app/api/config/chain/route';
import { GET as getNodes } from '../../app/api/nodes.json/route';
import { GET as getNode } from '../../app/api/nodes/[id]/route';
import { GET as getStats } from '../../app/api/stats.json/route';
import { nodeFilters } from '../../lib/api/nodes';
import { nodesQuerySchema } from '../../lib/api/schemas';
import { clearSnapshotCache } from '../../lib/api/snapshot-cache';
import { activeChain } from '../../lib/chains';
import { TIER_REQUIREMENTS, PIX_WEIGHTS } from '../../lib/scoring';
import { takeNetworkSnapshot } from '../../lib/snapshots/take';
import { parseClientVersion } from '../../lib/versions/parse';
import { loadVersionClasses } from '../../lib/versions/store';
import { context, insertNode, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

describe(`version classes on ${testBackend()}`, () => {
  let database: TestDatabase;
  const ids: Record<string, string> = {};
  const setting = async (key: string, value: unknown) => {
    await database.sql`
      insert into app_settings (key, value) values (${key}, ${JSON.stringify(value)}::text::jsonb)
      on conflict (key) do update set value = excluded.value`;
  };

  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    database = await openMigratedTestDatabase();
    const { sql } = database;
    let n = 0;
    const node = async (name: string, user_agent: string | null, status: 'up' | 'down' = 'up') => {
      n += 1;
      ids[name] = await insertNode(sql, { ip: `198.51.100.${n}`, status, user_agent, last_seen: new Date(Date.now() - n * 1000) });
    };
    // Up: Satoshi 28.1.0 × 3 (the most common: current), 27.0.0 × 2, 25.0.0, btcd, garbage.
    await node('a', '/Satoshi:28.1.0/');
    await node('b', '/Satoshi:28.1.0/Knots:20250305/');
    await node('c', '/Satoshi:28.1.0/');
    await node('d', '/Satoshi:27.0.0/');
    await node('e', '/Satoshi:27.0.0/');
    await node('f', '/Satoshi:25.0.0/');
    await node('btcd', '/btcd:0.24.2/');
    await node('garbage', 'garbage');
    // Down nodes neither decide the defaults nor count in stats, but are classed and filterable.
    await node('down29', '/Satoshi:29.0.0/', 'down');
    await node('down29b', '/Satoshi:29.0.0/', 'down');
    await node('down29c', '/Satoshi:29.0.0/', 'down');
    await node('down29d', '/Satoshi:29.0.0/', 'down');
    await node('down20', '/Satoshi:20.0.0/', 'down');
    await useDatabaseForRoutes(database.url);
  });
  after(async () => {
    await releaseRoutes();
    await database.close();
  });

  const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as any });
  const nodesWith = async (query: string) => (await json(await getNodes(request(`/api/nodes.json?limit=100&${query}`)))).body;
  const classOf = (body: any) => Object.fromEntries(Object.entries(body.nodes).map(([key, node]: [string, any]) => [key.split(':')[0]!.split('.')[3], node.version_status]));
  const hostsOf = (body: any) => Object.keys(body.nodes).map((key) => Number(key.split(':')[0]!.split('.')[3])).sort((x, y) => x - y);

  it('parses user agents in SQL (generated columns) exactly as lib/versions/parse does', async () => {
    const agents = [
      '/Satoshi:27.1.0/', '/Satoshi:0.21.0.1/', '/Satoshi:0.21.0.1.5/', '/Satoshi:1234567/', '/Satoshi:27/', '/Satoshi:27./',
      '/Satoshi:27.1(x)/', '/Satoshi:27.1.0/Knots:1/', '/Bitcoin ABC:0.22.0(EB32.0)/', '/a:b:1.2/', '/:1.0/', 'Satoshi:1.0',
      '/Shibetoshi:1.14.6/', '/LitecoinCore:0.21.2.2/', '/x:999999.0/', '/x:1.2.3.4', `/${'n'.repeat(65)}:1.0/`, '/(x):1/', '',
      '/Satoshi:27.1.0\u00e9/', '/Sätoshi:2.0/', '/Satoshi:00027.1/', `/${'\u{1F600}'.repeat(40)}:1.0/`, `/${'\u{1F600}'.repeat(65)}:1.0/`,
      '/Satoshi:.1/', '/Satoshi:1..2/', '/Satoshi:1.2./', '/Satoshi:1.2.3.4.5/', '/Satoshi:1.2345678/', '/Satoshi:999999.999999.999999.999999/',
    ];
    for (const [index, user_agent] of agents.entries()) {
      const [row] = await database.sql<{ client_name: string | null; client_version: number[] | null }[]>`
        insert into nodes (ip, port, user_agent) values (${`192.0.2.${index + 1}`}, 1, ${user_agent})
        returning client_name, client_version`;
      const parsed = parseClientVersion(user_agent);
      assert.deepEqual(
        { client: row!.client_name, version: row!.client_version },
        { client: parsed?.client ?? null, version: parsed?.version ?? null },
        JSON.stringify(user_agent),
      );
    }
    await database.sql`delete from nodes where ip like '192.0.2.%'`;
  });

  it('defaults: the most common client and version among up nodes is current (and minimum)', async () => {
    const classes = await loadVersionClasses(database.sql);
    assert.deepEqual(
      { client: classes.client, current: classes.current, minimum: classes.minimum, critical: classes.critical },
      { client: 'Satoshi', current: '28.1.0', minimum: '28.1.0', critical: null },
    );
    assert.deepEqual(classes.sources, { client: 'detected', current: 'detected', minimum: 'current', critical: null });
    const body = await nodesWith('');
    assert.deepEqual(classOf(body), {
      1: 'current', 2: 'current', 3: 'current', 4: 'outdated', 5: 'outdated', 6: 'outdated', 7: 'unknown', 8: 'unknown',
      9: 'current', 10: 'current', 11: 'current', 12: 'current', 13: 'outdated',
    });
    assert.deepEqual(hostsOf(await nodesWith('version_status=outdated')), [4, 5, 6, 13]);
    assert.deepEqual(hostsOf(await nodesWith('version_status=critical')), [], 'no critical version set');
    assert.deepEqual(hostsOf(await nodesWith('version_status=unknown')), [7, 8]);
    assert.deepEqual(hostsOf(await nodesWith('version_status=outdated&online=true')), [4, 5, 6], 'composes with the other filters');
  });

  it('admin settings set the classes at once: minimum 27.0, critical 26.0', async () => {
    await setting('versions.minimum', '27.0');
    await setting('versions.critical', '26.0');
    try {
      const body = await nodesWith('');
      assert.deepEqual(classOf(body), {
        1: 'current', 2: 'current', 3: 'current', 4: 'current', 5: 'current', 6: 'critical', 7: 'unknown', 8: 'unknown',
        9: 'current', 10: 'current', 11: 'current', 12: 'current', 13: 'critical',
      });
      assert.deepEqual(hostsOf(await nodesWith('version_status=critical')), [6, 13]);
      assert.deepEqual(hostsOf(await nodesWith('version_status=outdated')), []);
      const detail = (await json(await getNode(request(`/api/nodes/${ids.f}`), context({ id: ids.f! })))).body;
      assert.equal(detail.version_status, 'critical');
      // Another client family: btcd's versions are classed, Satoshi's become unknown.
      await database.sql`delete from app_settings where key like 'versions.%'`;
      await setting('versions.client', 'btcd');
      await setting('versions.current', '0.25.0');
      const btcd = await nodesWith('');
      assert.equal(classOf(btcd)[7], 'outdated', 'btcd 0.24.2 is below current 0.25.0 (the minimum by default)');
      assert.equal(classOf(btcd)[1], 'unknown');
      await setting('versions.current', '0.24.2');
      assert.equal(classOf(await nodesWith(''))[7], 'current');
    } finally {
      await database.sql`delete from app_settings where key like 'versions.%'`;
    }
  });

  it('refuses an invalid version_status with 400 JSON', async () => {
    for (const bad of ['old', 'Current', '', 'current%00']) {
      const { status, body } = await json(await getNodes(request(`/api/nodes.json?version_status=${bad}`)));
      assert.equal(status, 400, bad);
      assert.equal(typeof body.error, 'string');
      assert.equal(typeof body.details, 'string');
    }
  });

  it('stats.json counts online nodes per class, computed with the snapshot aggregates', async () => {
    await takeNetworkSnapshot(database.sql, { now: new Date() });
    clearSnapshotCache();
    const { body } = await json(await getStats(request('/api/stats.json')));
    assert.deepEqual(body.version_status_distribution, { current: 3, outdated: 3, critical: 0, unknown: 2 });
    assert.deepEqual(body.version_classes.current, '28.1.0');
    // A settings change shows in stats.json with the next snapshot (not recomputed per request).
    await setting('versions.critical', '26.0');
    try {
      clearSnapshotCache();
      assert.deepEqual((await json(await getStats(request('/api/stats.json')))).body.version_status_distribution.critical, 0);
      await takeNetworkSnapshot(database.sql, { now: new Date() });
      clearSnapshotCache();
      const next = (await json(await getStats(request('/api/stats.json')))).body;
      assert.deepEqual(next.version_status_distribution, { current: 3, outdated: 2, critical: 1, unknown: 2 });
      assert.equal(next.version_classes.critical, '26.0');
    } finally {
      await database.sql`delete from app_settings where key like 'versions.%'`;
    }
  });

  it('GET /api/config/chain publishes the chain facts, version classes, PIX and tiers from lib/scoring', async () => {
    const { status, body } = await json(await getChainConfig(request('/api/config/chain')));
    assert.equal(status, 200);
    const chain = activeChain();
    assert.equal(body.chain, chain.id);
    assert.equal(body.name, chain.displayName);
    assert.equal(body.ticker, chain.ticker);
    assert.equal(body.default_port, chain.defaultPort);
    assert.match(body.magic, /^[0-9a-f]{8}$/);
    assert.equal(body.magic, chain.magic);
    assert.deepEqual(body.dns_seeds, chain.dnsSeeds);
    assert.equal(typeof body.min_peer_version, 'number');
    assert.deepEqual(body.version_classes, {
      client: 'Satoshi', current: '28.1.0', minimum: '28.1.0', critical: null,
      sources: { client: 'detected', current: 'detected', minimum: 'current', critical: null },
    });
    assert.deepEqual(body.pix.weights, PIX_WEIGHTS);
    assert.equal(body.pix.max, 1000);
    assert.deepEqual(body.tiers.map((tier: any) => tier.tier), ['diamond', 'gold', 'silver', 'bronze', 'standard']);
    for (const requirement of TIER_REQUIREMENTS) {
      const tier = body.tiers.find((entry: any) => entry.tier === requirement.tier);
      assert.deepEqual(tier, { tier: requirement.tier, pix_above: requirement.pixAbove, uptime_above: requirement.uptimeAbove, latency_below_ms: requirement.latencyBelow });
    }
    assert.deepEqual(body.tiers.at(-1), { tier: 'standard', pix_above: null, uptime_above: null, latency_below_ms: null });
  });

  it('the version_status filter of a rare class is an index scan at 100k nodes', async () => {
    await database.sql`
      insert into nodes (ip, port, status, user_agent, last_seen)
      select '10.' || (i / 65536) || '.' || ((i / 256) % 256) || '.' || (i % 256), 8333, 'down',
             case when i % 2000 = 0 then '/Satoshi:20.0.0/' when i % 2000 = 1 then '/Satoshi:26.5.0/' else '/Satoshi:28.1.0/' end,
             now() - (i || ' seconds')::interval
      from generate_series(1, 100000) as i`;
    await database.sql`analyze nodes`;
    await setting('versions.critical', '26.0');
    await setting('versions.minimum', '27.0');
    try {
      const classes = await loadVersionClasses(database.sql);
      for (const status of ['critical', 'outdated'] as const) {
        const plan = await database.sql<{ 'QUERY PLAN': string }[]>`
          explain select id from nodes where ${nodeFilters(database.sql, nodesQuerySchema.parse({ version_status: status }), classes)}
          order by last_seen desc nulls last, id limit 100`;
        const text = plan.map((row) => row['QUERY PLAN']).join('\n');
        assert.match(text, /nodes_client_version_idx/, text);
        assert.doesNotMatch(text, /Seq Scan/, text);
      }
    } finally {
      await database.sql`delete from app_settings where key like 'versions.%'`;
    }
  });
});
