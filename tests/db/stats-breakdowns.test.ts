import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GET as getStats } from '../../app/api/stats.json/route';
import { computeStatsBreakdowns, TOP_ASNS } from '../../lib/api/breakdowns';
import { clearSnapshotCache } from '../../lib/api/snapshot-cache';
import { takeNetworkSnapshot } from '../../lib/snapshots/take';
import { insertNode, releaseRoutes, request, useDatabaseForRoutes, type NodeSeed } from '../helpers/api';
import { assertMatchesContract, specExample } from '../helpers/contract';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

type Seed = NodeSeed & { network?: string; region?: string | null; organization_name?: string | null };

const BREAKDOWN_FIELDS = [
  'networks_distribution', 'asn_distribution', 'asn_others', 'asn_unknown', 'services_distribution',
  'protocol_versions', 'regions_distribution', 'regions_unknown',
];

describe(`stats.json breakdowns (network, ASN, services, protocol version, region) on ${testBackend()}`, () => {
  let database: TestDatabase;
  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    database = await openMigratedTestDatabase();
    const { sql } = database;
    const seed = (node: Seed) => insertNode(sql, node as NodeSeed);
    // 30 online IPv4 nodes: AS 1000 has 5, AS 1001 has 4, AS 1002..1028 one each (27 more ASNs).
    let n = 0;
    const ipv4 = async (asn: number, extra: Partial<Seed> = {}) => {
      n += 1;
      await seed({ ip: `203.0.${Math.floor(n / 200)}.${(n % 200) + 1}`, asn, organization_name: `Org ${asn}`, country: 'US', country_name: 'United States', region: 'California', protocol_version: 70016, services: '1033', height: 870000, latency_ms: 40, uptime_percentage: 99, ...extra });
    };
    for (let i = 0; i < 5; i += 1) await ipv4(1000, { region: 'Texas', services: '3145' });
    for (let i = 0; i < 4; i += 1) await ipv4(1001, { country: 'DE', country_name: 'Germany', region: 'Bavaria', protocol_version: 70015 });
    for (let asn = 1002; asn <= 1028; asn += 1) await ipv4(asn, { region: asn % 2 ? 'California' : null });
    await seed({ ip: '2001:db8::1', asn: 1000, organization_name: 'Org 1000', country: 'US', country_name: 'United States', region: 'Texas', protocol_version: null, services: null });
    await seed({ ip: 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz23.onion', network: 'onion', asn: null, protocol_version: 70016, services: '9' });
    // Neither down nor hidden nodes count.
    await seed({ ip: '198.51.100.1', status: 'down', asn: 1001, region: 'Bavaria', country: 'DE', services: '3145' });
    await seed({ ip: '198.51.100.2', hidden: true, asn: 1001, region: 'Bavaria', country: 'DE', services: '3145', protocol_version: 1 });
    await useDatabaseForRoutes(database.url);
  });
  after(async () => {
    await releaseRoutes();
    await database.close();
  });

  const fetchStats = async () => {
    clearSnapshotCache();
    const response = await getStats(request('/api/stats.json'));
    assert.equal(response.status, 200);
    return (await response.json()) as any;
  };

  it('counts online visible nodes by network, ASN (top 20 with share), flag, protocol version and region', async () => {
    const breakdowns = await computeStatsBreakdowns(database.sql);
    assert.equal(breakdowns.online_nodes, 38);
    assert.deepEqual(breakdowns.networks_distribution, { ipv4: 36, ipv6: 1, onion: 1, i2p: 0, cjdns: 0 });
    assert.equal(breakdowns.asn_distribution.length, TOP_ASNS);
    assert.deepEqual(breakdowns.asn_distribution[0], { asn: 'AS1000', name: 'Org 1000', count: 6, share: 15.79 });
    assert.deepEqual(breakdowns.asn_distribution[1], { asn: 'AS1001', name: 'Org 1001', count: 4, share: 10.53 });
    assert.deepEqual(breakdowns.asn_distribution[2], { asn: 'AS1002', name: 'Org 1002', count: 1, share: 2.63 }, 'ties by ASN');
    assert.equal(breakdowns.asn_others, 27 - 18);
    assert.equal(breakdowns.asn_unknown, 1);
    assert.deepEqual(breakdowns.services_distribution, {
      NODE_NETWORK: 37, NODE_WITNESS: 37, NODE_BLOOM: 0, NODE_COMPACT_FILTERS: 5, NODE_NETWORK_LIMITED: 36, NODE_P2P_V2: 5,
    });
    assert.deepEqual(breakdowns.protocol_versions, [
      { protocol_version: 70016, count: 33, share: 86.84 },
      { protocol_version: 70015, count: 4, share: 10.53 },
      { protocol_version: null, count: 1, share: 2.63 },
    ]);
    assert.deepEqual(breakdowns.regions_distribution, [
      { country: 'US', country_name: 'United States', region: 'California', count: 13, share: 34.21 },
      { country: 'US', country_name: 'United States', region: 'Texas', count: 6, share: 15.79 },
      { country: 'DE', country_name: 'Germany', region: 'Bavaria', count: 4, share: 10.53 },
    ]);
    assert.equal(breakdowns.regions_unknown, 15, 'no region, or no country (the onion node)');
  });

  it('stats.json serves them as extra fields next to the spec example, from the newest snapshot', async () => {
    const live = await fetchStats();
    for (const field of BREAKDOWN_FIELDS) assert.ok(field in live, field);
    assert.equal(live.networks_distribution.ipv4, 36, 'live before the first snapshot');

    await takeNetworkSnapshot(database.sql, { now: new Date() });
    const withHistory = await fetchStats();
    assertMatchesContract(specExample('stats.json'), withHistory, { maps: ['versions', 'countries_distribution'], extensible: [''] }, 'stats.json');
    // The breakdowns come first among the extra fields (the version-class extras of issue 17 follow).
    const extras = Object.keys(withHistory).filter((key) => !(key in specExample<object>('stats.json')));
    assert.deepEqual(extras.slice(0, BREAKDOWN_FIELDS.length), BREAKDOWN_FIELDS);
    const [stored] = await database.sql<{ stats_breakdowns: any }[]>`select stats_breakdowns from network_snapshots order by id desc limit 1`;
    assert.equal(stored!.stats_breakdowns.networks_distribution.ipv4, 36);
    await database.sql`update nodes set status = 'down' where network = 'ipv4'`;
    try {
      const served = await fetchStats();
      assert.equal(served.networks_distribution.ipv4, 36, 'as of the snapshot, not recomputed per request');
      assert.deepEqual(served.asn_distribution, live.asn_distribution);
      assert.equal(served.available_nodes, 38);
    } finally {
      await database.sql`update nodes set status = 'up' where network = 'ipv4' and ip not like '198.51.100.1'`;
    }
  });

  it('a snapshot taken before the breakdowns existed is answered live', async () => {
    await database.sql`update network_snapshots set stats_breakdowns = null`;
    const body = await fetchStats();
    assert.equal(body.networks_distribution.ipv4, 36);
    assert.equal(body.protocol_versions[0].protocol_version, 70016);
  });
});
