import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GET, OPTIONS, POST } from '../../app/api/v1/seeds/route';
import { listSeeds, SEED_IPV4, SEED_IPV6, seedsZone, seedZoneName, serviceBits } from '../../lib/api/seeds';
import { activeChain } from '../../lib/chains';
import { insertNode, releaseRoutes, request, useDatabaseForRoutes, type NodeSeed } from '../helpers/api';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';

const HEIGHT = 880_000;
const now = new Date('2026-11-25T12:30:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);

describe('GET /api/v1/seeds/ (good peers)', () => {
  let database: TestDatabase;
  let port: number;
  const node = (seed: NodeSeed) =>
    insertNode(database.sql, { port, status: 'up', height: HEIGHT, connected_since: hoursAgo(24), services: '1033', ...seed });

  before(async () => {
    database = await openMigratedTestDatabase();
    await useDatabaseForRoutes(database.url);
    port = activeChain().defaultPort;
  });
  beforeEach(async () => {
    await database.sql`truncate nodes cascade`;
    delete process.env.SEEDS_ZONE_NAME;
  });
  after(async () => {
    await releaseRoutes();
    await database.close();
  });

  async function seedNetwork() {
    // The consensus: most reachable nodes are at HEIGHT.
    await node({ ip: '1.0.0.1', asn: 1, pix_score: 900 });
    await node({ ip: '1.0.0.2', asn: 1, pix_score: 500 }); // same ASN, lower PIX
    await node({ ip: '2.0.0.1', asn: 2, height: HEIGHT - 2 }); // 2 behind: fine
    await node({ ip: '2.0.0.2', asn: 22, height: HEIGHT + 2 });
    await node({ ip: '3.0.0.1', asn: 3, height: HEIGHT - 3 }); // too far behind
    await node({ ip: '4.0.0.1', asn: 4, port: port + 1 }); // not the default port
    await node({ ip: '5.0.0.1', asn: 5, connected_since: hoursAgo(7) }); // up for less than 8 h
    await node({ ip: '5.0.0.2', asn: 55, connected_since: null });
    await node({ ip: '6.0.0.1', asn: 6, status: 'down' });
    await node({ ip: '7.0.0.1', asn: 7, hidden: true });
    await node({ ip: '8.0.0.1', asn: null });
    await node({ ip: '8.0.0.2', asn: null }); // no ASN known: one group
    await node({ ip: '9.0.0.1', asn: 9, services: '1024' }); // NODE_NETWORK_LIMITED only
    await node({ ip: '2a00:1::1', asn: 10, pix_score: 800 });
    await node({ ip: '2a00:1::2', asn: 10, pix_score: 100 });
    await node({ ip: '2a00:2::1', asn: 11, services: (1n << 63n | 1n).toString() });
  }

  it('keeps reachable, synced, long-up nodes on the default port, one per ASN, best PIX first', async () => {
    await seedNetwork();
    const seeds = await listSeeds(database.sql, {}, now);
    assert.equal(seeds.latest_height, HEIGHT);
    assert.equal(seeds.port, port);
    assert.equal(seeds.chain, activeChain().id);
    const v4 = seeds.ipv4.map((entry) => entry.ip).sort();
    assert.equal(v4.length, 5);
    assert.deepEqual(v4.filter((ip) => !ip.startsWith('8.')), ['1.0.0.1', '2.0.0.1', '2.0.0.2', '9.0.0.1']);
    assert.equal(v4.filter((ip) => ip.startsWith('8.')).length, 1, 'nodes without an ASN count as one ASN');
    assert.deepEqual(seeds.ipv6.map((entry) => entry.ip).sort(), ['2a00:1::1', '2a00:2::1']);
    const first = seeds.ipv4.find((entry) => entry.ip === '1.0.0.1')!;
    assert.deepEqual(first, { address: `1.0.0.1:${port}`, ip: '1.0.0.1', port, services: 1033, height: HEIGHT, user_agent: null, asn: 1,
      pix_score: 900, connected_since: Math.floor(hoursAgo(24).getTime() / 1000) });
    assert.equal(seeds.ipv6.find((entry) => entry.ip === '2a00:1::1')!.address, `[2a00:1::1]:${port}`);
  });

  it('filters on service bits', async () => {
    await seedNetwork();
    assert.deepEqual(serviceBits(1033n), [0, 3, 10]);
    const limited = await listSeeds(database.sql, { services: '1024' }, now);
    assert.equal(limited.services, 1024);
    assert.ok(limited.ipv4.some((entry) => entry.ip === '9.0.0.1'));
    const full = await listSeeds(database.sql, { services: '1033' }, now);
    assert.ok(!full.ipv4.some((entry) => entry.ip === '9.0.0.1'), 'services 1024 lacks bits 0 and 3');
    assert.ok(full.ipv4.some((entry) => entry.ip === '1.0.0.1'));
    assert.deepEqual(full.ipv6.map((entry) => entry.ip), ['2a00:1::1']);
    const high = await listSeeds(database.sql, { services: (1n << 63n).toString() }, now);
    assert.deepEqual(high.ipv4, []);
    assert.deepEqual(high.ipv6.map((entry) => entry.ip), ['2a00:2::1'], 'bit 63 is tested without overflow');
  });

  it('caps the list at 25 IPv4 and 15 IPv6 nodes, stable within an hour and rotating between hours', async () => {
    for (let index = 0; index < 40; index += 1) {
      await node({ ip: `11.0.${index}.1`, asn: 1000 + index });
      await node({ ip: `2a01:${index + 1}::1`, asn: 2000 + index });
    }
    const seeds = await listSeeds(database.sql, {}, now);
    assert.equal(seeds.ipv4.length, SEED_IPV4);
    assert.equal(seeds.ipv6.length, SEED_IPV6);
    const again = await listSeeds(database.sql, {}, new Date(now.getTime() + 60_000));
    assert.deepEqual(again.ipv4.map((entry) => entry.ip), seeds.ipv4.map((entry) => entry.ip), 'same hour, same answer');
    const later = await listSeeds(database.sql, {}, new Date(now.getTime() + 3_600_000));
    assert.notDeepEqual(later.ipv4.map((entry) => entry.ip), seeds.ipv4.map((entry) => entry.ip), 'the next hour rotates');
  });

  it('answers JSON and, with format=zone, a BIND zone', async () => {
    await seedNetwork();
    const json = await GET(request('/api/v1/seeds/'));
    assert.equal(json.status, 200);
    assert.match(json.headers.get('content-type') ?? '', /application\/json/);
    const body = await json.json();
    assert.ok(Array.isArray(body.ipv4) && Array.isArray(body.ipv6));

    const zone = await GET(request('/api/v1/seeds/?format=zone'));
    assert.equal(zone.status, 200);
    assert.match(zone.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await zone.text();
    const name = `seed.${activeChain().id}.peerscope.`;
    assert.ok(text.includes(`\n$ORIGIN ${name}\n$TTL 60\n`), text);
    const records = text.split('\n').filter((line) => line.startsWith('@'));
    assert.equal(records.filter((line) => /^@\tIN\tA\t\d+\.\d+\.\d+\.\d+$/.test(line)).length, body.ipv4.length);
    assert.equal(records.filter((line) => /^@\tIN\tAAAA\t[0-9a-f:]+$/.test(line)).length, body.ipv6.length);
    assert.ok(records.includes('@\tIN\tA\t1.0.0.1'));
    assert.ok(records.includes('@\tIN\tAAAA\t2a00:1::1'));

    process.env.SEEDS_ZONE_NAME = 'Seeds.Example.org';
    assert.equal(seedZoneName('bitcoin'), 'seeds.example.org.');
    assert.match(await (await GET(request('/api/v1/seeds/?format=zone'))).text(), /\$ORIGIN seeds\.example\.org\.\n/);
    process.env.SEEDS_ZONE_NAME = 'bad name\n$INCLUDE /etc/passwd';
    assert.equal(seedZoneName('bitcoin'), 'seed.bitcoin.peerscope.', 'a bad configured name never reaches the zone');
    const crafted = { ip: '1.2.3.4\n$INCLUDE /etc/passwd', address: 'x', port, services: null, height: null, user_agent: null, asn: null, pix_score: null, connected_since: null };
    const zoneText = seedsZone({ timestamp: 0, chain: 'bitcoin', port, latest_height: null, services: null, ipv4: [crafted], ipv6: [{ ...crafted, ip: '2a00::1' }] }, 'seed.test.');
    assert.equal(zoneText.includes('$INCLUDE'), false, 'only IP literals become records');
    assert.ok(zoneText.endsWith('@\tIN\tAAAA\t2a00::1\n'));
  });

  it('answers an empty list before any node is known, 400 for bad parameters and 405 for other methods', async () => {
    const empty = await (await GET(request('/api/v1/seeds/'))).json();
    assert.deepEqual({ ipv4: empty.ipv4, ipv6: empty.ipv6, latest_height: empty.latest_height }, { ipv4: [], ipv6: [], latest_height: null });
    for (const query of ['services=abc', 'services=-1', 'services=18446744073709551616', 'services=1.5', 'format=xml', 'services=1%00']) {
      const response = await GET(request(`/api/v1/seeds/?${query}`));
      assert.equal(response.status, 400, query);
      assert.deepEqual(Object.keys(await response.json()).sort(), ['details', 'error'], query);
    }
    const post = await POST(request('/api/v1/seeds/'));
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD, OPTIONS');
    assert.equal(OPTIONS().status, 204);
  });
});
