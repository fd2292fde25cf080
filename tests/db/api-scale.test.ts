import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { GET as getCountries } from '../../app/api/countries.json/route';
import { GET as getNodes } from '../../app/api/nodes.json/route';
import { GET as getStats } from '../../app/api/stats.json/route';
import { GET as getLatestSnapshot } from '../../app/api/v1/snapshots/latest/route';
import { takeNetworkSnapshot } from '../../lib/snapshots/take';
import { insertNode, releaseRoutes, request, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

const decode = (response: Response, bytes: Buffer): Buffer => {
  const coding = response.headers.get('content-encoding');
  if (coding === 'br') return brotliDecompressSync(bytes);
  if (coding === 'gzip') return gunzipSync(bytes);
  assert.equal(coding, null);
  return bytes;
};
const read = async (response: Response) => decode(response, Buffer.from(await response.arrayBuffer()));

/** Issue 13: compression per Accept-Encoding, one ETag per coding, cached answers invalidated by a new snapshot. */
describe(`API at scale: compression, ETags and per-snapshot caches on ${testBackend()}`, () => {
  let database: TestDatabase;
  const PROBE_MS = 200;

  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    process.env.API_SNAPSHOT_PROBE_MS = String(PROBE_MS);
    database = await openMigratedTestDatabase();
    const { sql } = database;
    const countries = [['DE', 'Germany'], ['US', 'United States'], ['FR', 'France'], ['JP', 'Japan'], ['NL', 'Netherlands'], ['CA', 'Canada'], ['CH', 'Switzerland'], ['FI', 'Finland']] as const;
    for (let index = 0; index < 60; index += 1) {
      const [country, name] = countries[index % countries.length]!;
      await insertNode(sql, {
        ip: `203.0.113.${index + 1}`,
        status: index % 5 === 0 ? 'down' : 'up',
        country,
        country_name: name,
        tier: (['diamond', 'gold', 'silver', 'bronze', 'standard'] as const)[index % 5],
        pix_score: index * 10,
        user_agent: `/Satoshi:2${index % 8}.0.0/`,
        protocol_version: 70015 + (index % 2),
        height: 800_000,
        verified: index % 7 === 0,
        hidden: index % 13 === 12,
        latitude: index % 3 === 0 ? null : 50 + index / 100,
        longitude: index % 3 === 0 ? null : 8 + index / 100,
      });
    }
    // History for stats.json (so its answer passes the compression threshold).
    await sql`
      insert into network_snapshots (taken_at, total_nodes, online_nodes, latest_height)
      select now() - g * interval '1 hour', 60, 48, 800000 from generate_series(1, 40) g`;
    await takeNetworkSnapshot(sql, { now: new Date(Date.now() - 60_000) });
    await useDatabaseForRoutes(database.url);
  });
  after(async () => {
    delete process.env.API_SNAPSHOT_PROBE_MS;
    await releaseRoutes();
    await database.close();
  });

  it('answers br, gzip or identity as asked, the same JSON, with Vary and a distinct ETag per coding', async () => {
    for (const [route, handler] of [
      ['/api/nodes.json', getNodes],
      ['/api/stats.json', getStats],
      ['/api/countries.json', getCountries],
      ['/api/v1/snapshots/latest/', getLatestSnapshot],
    ] as const) {
      const plain = await handler(request(route));
      const br = await handler(request(route, { 'accept-encoding': 'gzip, deflate, br' }));
      const gzip = await handler(request(route, { 'accept-encoding': 'gzip;q=1, br;q=0.5' }));
      const refused = await handler(request(route, { 'accept-encoding': 'br;q=0, gzip;q=0' }));
      assert.equal(br.headers.get('content-encoding'), 'br', route);
      assert.equal(gzip.headers.get('content-encoding'), 'gzip', route);
      assert.equal(plain.headers.get('content-encoding'), null, route);
      assert.equal(refused.headers.get('content-encoding'), null, `${route}: q=0 refuses`);
      for (const response of [plain, br, gzip]) assert.equal(response.headers.get('vary'), 'Accept-Encoding', route);
      const bodies = await Promise.all([plain, br, gzip].map(read));
      const parsed = bodies.map((body) => {
        const value = JSON.parse(body.toString('utf8'));
        delete value.timestamp;
        return value;
      });
      // stats/countries/nodes carry the time of the answer; the rest is the same.
      assert.deepEqual(parsed[1], parsed[0], `${route}: br decodes to the same JSON`);
      assert.deepEqual(parsed[2], parsed[0], `${route}: gzip decodes to the same JSON`);
      const tags = [plain, br, gzip].map((response) => response.headers.get('etag'));
      assert.equal(new Set(tags).size, 3, `${route}: one strong tag per coding: ${tags.join(' ')}`);
      assert.equal(tags[1], tags[0]!.replace(/"$/, '-br"'));
      assert.equal(tags[2], tags[0]!.replace(/"$/, '-gz"'));
    }
  });

  it('nodes.json totals from the counts stored with the snapshot equal an exact count, for every filter combination', async () => {
    const visible = await database.sql<{ country: string; tier: string; status: string; verified: boolean; protocol_version: number; user_agent: string }[]>`
      select country, tier, status, verified, protocol_version, user_agent from nodes where not hidden`;
    const options: Record<string, (string | undefined)[]> = {
      country: [undefined, 'DE', 'jp', 'ZZ'],
      tier: [undefined, 'gold', 'standard'],
      online: [undefined, 'true', 'false'],
      verified: [undefined, 'true', 'false'],
      version: [undefined, '70015', '70016', 'Satoshi:23', '/satoshi:2'],
    };
    let checked = 0;
    const combos = (keys: string[]): Record<string, string>[] => {
      if (keys.length === 0) return [{}];
      const [first, ...rest] = keys;
      return combos(rest).flatMap((tail) => options[first!]!.map((value) => (value === undefined ? tail : { ...tail, [first!]: value })));
    };
    for (const filters of combos(Object.keys(options))) {
      const expected = visible.filter(
        (node) =>
          (!filters.country || node.country === filters.country.toUpperCase()) &&
          (!filters.tier || node.tier === filters.tier) &&
          (!filters.online || (node.status === 'up') === (filters.online === 'true')) &&
          (!filters.verified || node.verified === (filters.verified === 'true')) &&
          (!filters.version ||
            (/^\d+$/.test(filters.version) ? node.protocol_version === Number(filters.version) : node.user_agent.toLowerCase().includes(filters.version.toLowerCase()))),
      ).length;
      const body = (await (await getNodes(request(`/api/nodes.json?limit=1&${new URLSearchParams(filters)}`))).json()) as any;
      assert.equal(body.total_nodes, expected, JSON.stringify(filters));
      assert.equal(body.pagination.total, expected);
      checked += 1;
    }
    assert.equal(checked, 4 * 3 * 3 * 3 * 5);
  });

  it('encodes only for requests that came through our web server (it relays the coding past Next.js)', async () => {
    const stamped = await getNodes(request('/api/nodes.json', { 'accept-encoding': 'br' }));
    assert.equal(stamped.headers.get('content-encoding'), 'br');
    assert.equal(stamped.headers.get('x-peerscope-content-encoding'), 'br', 'what scripts/web-server.ts turns back into Content-Encoding');
    const direct = await getNodes(new Request('http://localhost/api/nodes.json', { headers: { 'accept-encoding': 'br' } }));
    assert.equal(direct.status, 200);
    assert.equal(direct.headers.get('content-encoding'), null, 'plain next start / Vercel: the platform compresses');
    assert.equal(direct.headers.get('x-peerscope-content-encoding'), null);
    JSON.parse(await direct.text());
  });

  it('sends small bodies uncompressed whatever is asked', async () => {
    const small = await getNodes(request('/api/nodes.json?country=ZZ', { 'accept-encoding': 'br, gzip' }));
    assert.equal(small.status, 200);
    assert.equal(small.headers.get('content-encoding'), null);
    assert.ok(Number(small.headers.get('content-length')) < 1024);
  });

  it('answers 304 to the tag of any coding of the current answer, and 200 with a changed answer', async () => {
    for (const [route, handler] of [
      ['/api/stats.json', getStats],
      ['/api/v1/snapshots/latest/', getLatestSnapshot],
      ['/api/nodes.json', getNodes],
    ] as const) {
      const gzipTag = (await handler(request(route, { 'accept-encoding': 'gzip' }))).headers.get('etag')!;
      const revalidated = await handler(request(route, { 'accept-encoding': 'br', 'if-none-match': gzipTag }));
      assert.equal(revalidated.status, 304, route);
      assert.equal(revalidated.headers.get('etag'), gzipTag.replace('-gz"', '-br"'), `${route}: the 304 names the representation it validates`);
      assert.equal(revalidated.headers.get('vary'), 'Accept-Encoding');
      assert.equal(await revalidated.text(), '');
      const weak = await handler(request(route, { 'if-none-match': `W/${gzipTag}` }));
      assert.equal(weak.status, 304, `${route}: If-None-Match compares weakly`);
      const other = await handler(request(route, { 'if-none-match': gzipTag.replace(/^"./, '"#') }));
      assert.equal(other.status, 200, `${route}: another tag is not a match`);
    }
  });

  it('serves the snapshot answer from the bytes stored with the snapshot, never re-serialising the stored nodes', async () => {
    const [stored] = await database.sql<{ n: number }[]>`select count(*)::int as n from snapshot_bodies`;
    assert.equal(stored!.n, 3, 'nodes, coordinates and user_agents');
    // Proof that the route sends the stored bytes: change them in place.
    await database.sql`
      update snapshot_bodies set body = convert_to('{"stored":true}', 'UTF8'), tag = 'changed-in-place'
      where field = 'user_agents'`;
    await new Promise((resolve) => setTimeout(resolve, PROBE_MS + 50));
    await takeNetworkSnapshot(database.sql, { now: new Date(Date.now() - 30_000) }); // a new snapshot, new bodies
    const latest = await getLatestSnapshot(request('/api/v1/snapshots/latest/?field=user_agents'));
    const body = (await latest.json()) as any;
    assert.ok(Array.isArray(body.user_agents), 'the new snapshot has its own bodies');
    await database.sql`
      update snapshot_bodies set body = convert_to('{"stored":true}', 'UTF8'), tag = 'changed-in-place'
      where field = 'coordinates' and snapshot_id = (select max(id) from network_snapshots)`;
    const [kept] = await database.sql<{ n: number }[]>`select count(distinct snapshot_id)::int as n from snapshot_bodies`;
    assert.equal(kept!.n, 2, 'only the newest snapshots keep their bodies');
    const coordinates = await getLatestSnapshot(request('/api/v1/snapshots/latest/?field=coordinates'));
    assert.deepEqual(await coordinates.json(), { stored: true });
    assert.equal(coordinates.headers.get('etag'), '"changed-in-place"');
    const full = (await (await getLatestSnapshot(request('/api/v1/snapshots/latest/'))).json()) as any;
    assert.equal(Object.keys(full.nodes).length, full.total_nodes);
    assert.ok(Object.values(full.nodes).every((node: any) => typeof node[8] === 'number' && typeof node[9] === 'number'), 'missing coordinates as 0.0');
  });

  it('a snapshot written by another process reaches the cached stats and countries within API_SNAPSHOT_PROBE_MS', async () => {
    const stats = async () => (await (await getStats(request('/api/stats.json'))).json()) as any;
    const countries = async () => (await (await getCountries(request('/api/countries.json'))).json()) as any;
    const before = await stats();
    await countries();
    // Another process: a plain insert through another connection, nothing in this process is told.
    await database.sql`
      insert into network_snapshots (taken_at, total_nodes, online_nodes, latest_height, api_aggregates, countries_online, countries_all)
      select now(), total_nodes + 1000, online_nodes + 1000, latest_height + 1,
             jsonb_set(jsonb_set(api_aggregates, '{onlineNodes}', to_jsonb(online_nodes + 1000)), '{latestHeight}', to_jsonb(latest_height + 1)),
             '[{"code":"NZ","name":"New Zealand","count":7,"online":7,"verified":0,"latency":null,"uptime":null,"pix":null,"diamond":0,"gold":0,"silver":0,"bronze":0,"standard":7}]'::jsonb,
             countries_all
      from network_snapshots order by taken_at desc, id desc limit 1`;
    await new Promise((resolve) => setTimeout(resolve, PROBE_MS + 100));
    const after = await stats();
    assert.equal(after.available_nodes, before.available_nodes + 1000);
    assert.equal(after.latest_height, before.latest_height + 1);
    assert.deepEqual((await countries()).countries.map((country: any) => country.code), ['NZ']);
    const nodes = (await (await getNodes(request('/api/nodes.json'))).json()) as any;
    assert.equal(nodes.latest_height, before.latest_height + 1, 'nodes.json takes the consensus height of the newest snapshot');
  });
});
