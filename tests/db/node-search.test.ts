import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { after, before, describe, it } from 'node:test';
import { GET as getNodes } from '../../app/api/nodes.json/route';
import { listNodes } from '../../lib/api/nodes';
import { nodeSearchConditions } from '../../lib/api/node-search';
import { nodesQuerySchema } from '../../lib/api/schemas';
import type { Sql } from '../../lib/db/client';
import { insertNode, releaseRoutes, request, useDatabaseForRoutes, type NodeSeed } from '../helpers/api';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

type SearchSeed = NodeSeed & { network?: string; hostname?: string | null; organization_name?: string | null; isp?: string | null };

describe(`nodes.json search and filters (q, asn, network, services) on ${testBackend()}`, () => {
  let database: TestDatabase;
  before(async () => {
    delete process.env.REDIS_URL;
    delete process.env.UPSTASH_REDIS_REST_URL;
    database = await openMigratedTestDatabase();
    const { sql } = database;
    const seed = (node: SearchSeed) => insertNode(sql, node as NodeSeed);
    // services: 1033 = NODE_NETWORK|NODE_WITNESS|NODE_NETWORK_LIMITED; 3145 adds NODE_COMPACT_FILTERS and NODE_P2P_V2.
    await seed({ ip: '203.0.113.1', user_agent: '/Satoshi:27.0.0/', services: '1033', asn: 13335, organization_name: 'Cloudflare, Inc.', hostname: 'node1.example.net', tier: 'gold', country: 'DE' });
    await seed({ ip: '203.0.113.2', user_agent: '/Satoshi:28.0.0/', services: '3145', asn: 24940, organization_name: 'Hetzner Online GmbH', isp: 'Hetzner 100%_Green', country: 'DE' });
    await seed({ ip: '2001:db8::7', user_agent: '/Knots:27.1.0/', services: '9', asn: 24940, organization_name: 'Hetzner Online GmbH', status: 'down' });
    await seed({ ip: 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz23.onion', network: 'onion', user_agent: '/Satoshi:27.0.0/', services: '1', asn: null });
    await seed({ ip: 'ukeu3k5oycgaauneqgtnvselmt4yemvoilkln7jpvamvfx7dnkdq.b32.i2p', network: 'i2p', user_agent: '/Satoshi:26.0.0/', services: null });
    await seed({ ip: '203.0.113.9', user_agent: '/Satoshi:27.0.0/ secret', services: '3145', asn: 13335, organization_name: 'Cloudflare, Inc.', hidden: true });
    await seed({ ip: '203.0.113.10', user_agent: '/Satoshi:25.0.0/', services: '18446744073709551615', asn: 4242, hostname: 'all-flags.example' });
    await useDatabaseForRoutes(database.url);
  });
  after(async () => {
    await releaseRoutes();
    await database.close();
  });

  const fetchNodes = async (query: string) => {
    const response = await getNodes(request(`/api/nodes.json${query}`));
    return { response, body: (await response.json()) as any };
  };
  const addresses = async (query: string) => {
    const { response, body } = await fetchNodes(query);
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.total_nodes, Object.keys(body.nodes).length, 'total_nodes counts the same filter');
    assert.equal(body.pagination.total, body.total_nodes);
    return Object.keys(body.nodes).sort();
  };

  it('q matches a substring of the address, user agent, hostname, organisation or ISP, case-insensitively, never hidden nodes', async () => {
    assert.deepEqual(await addresses('?q=203.0.113.1'), ['203.0.113.10:8333', '203.0.113.1:8333']);
    assert.deepEqual(await addresses('?q=knots'), ['[2001:db8::7]:8333']);
    assert.deepEqual(await addresses('?q=NODE1.EXAMPLE'), ['203.0.113.1:8333']);
    assert.deepEqual(await addresses('?q=cloudflare'), ['203.0.113.1:8333'], 'the hidden Cloudflare node stays hidden');
    assert.deepEqual(await addresses('?q=hetzner'), ['203.0.113.2:8333', '[2001:db8::7]:8333']);
    assert.deepEqual(await addresses('?q=.onion'), ['abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz23.onion:8333']);
    assert.deepEqual(await addresses('?q=2001:db8'), ['[2001:db8::7]:8333']);
    assert.deepEqual(await addresses(`?q=${encodeURIComponent('  satoshi:27  ')}`), ['203.0.113.1:8333', 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz23.onion:8333']);
    assert.deepEqual(await addresses('?q=secret'), []);
  });

  it('q is literal: % and _ are not wildcards, a match never spans two fields', async () => {
    assert.deepEqual(await addresses(`?q=${encodeURIComponent('100%_G')}`), ['203.0.113.2:8333'], 'literal % and _ match themselves');
    assert.deepEqual(await addresses(`?q=${encodeURIComponent('%%%')}`), []);
    assert.deepEqual(await addresses(`?q=${encodeURIComponent('___')}`), []);
    assert.deepEqual(await addresses(`?q=${encodeURIComponent('Sa%shi')}`), []);
    assert.deepEqual(await addresses(`?q=${encodeURIComponent('\\\\%')}`), []);
    assert.deepEqual(await addresses(`?q=${encodeURIComponent("'; drop table nodes; --")}`), []);
    assert.deepEqual(await addresses(`?q=${encodeURIComponent('1.*')}`), [], 'no regular expression runs');
    assert.deepEqual(await addresses(`?q=${encodeURIComponent('.1/')}`), [], 'the address and the user agent are not one string');
  });

  it('asn accepts 13335 and AS13335 (any case) and combines with the spec filters', async () => {
    assert.deepEqual(await addresses('?asn=13335'), ['203.0.113.1:8333']);
    assert.deepEqual(await addresses('?asn=AS24940'), ['203.0.113.2:8333', '[2001:db8::7]:8333']);
    assert.deepEqual(await addresses('?asn=as24940&online=true'), ['203.0.113.2:8333']);
    assert.deepEqual(await addresses('?asn=24940&country=de&tier=gold'), []);
    assert.deepEqual(await addresses('?asn=4294967295'), [], 'a 32-bit ASN above the integer column matches nothing, no SQL error');
  });

  it('network keeps one address family', async () => {
    assert.deepEqual(await addresses('?network=ipv6'), ['[2001:db8::7]:8333']);
    assert.deepEqual(await addresses('?network=onion'), ['abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz23.onion:8333']);
    assert.deepEqual(await addresses('?network=i2p'), ['ukeu3k5oycgaauneqgtnvselmt4yemvoilkln7jpvamvfx7dnkdq.b32.i2p:8333']);
    assert.deepEqual(await addresses('?network=cjdns'), []);
    assert.equal((await addresses('?network=ipv4')).length, 3);
  });

  it('services needs every named flag, up to bit 63', async () => {
    assert.deepEqual(await addresses('?services=NODE_P2P_V2'), ['203.0.113.10:8333', '203.0.113.2:8333']);
    assert.deepEqual(await addresses('?services=NODE_WITNESS,NODE_NETWORK_LIMITED'), ['203.0.113.10:8333', '203.0.113.1:8333', '203.0.113.2:8333']);
    assert.deepEqual(await addresses(`?services=${encodeURIComponent(' node_witness , NODE_NETWORK,NODE_WITNESS')}`), [
      '203.0.113.10:8333', '203.0.113.1:8333', '203.0.113.2:8333', '[2001:db8::7]:8333',
    ]);
    assert.deepEqual(await addresses('?services=NODE_BLOOM'), ['203.0.113.10:8333']);
    assert.deepEqual(await addresses('?services=NODE_COMPACT_FILTERS&q=hetzner&network=ipv4&asn=AS24940'), ['203.0.113.2:8333']);
  });

  it('refuses hostile or invalid values with 400 {error, details} naming the parameter', async () => {
    const cases: [string, RegExp][] = [
      ['?q=ab', /q: must be at least 3 characters/],
      [`?q=${'x'.repeat(101)}`, /q: must be at most 100 characters/],
      [`?q=${encodeURIComponent('abc\ndef')}`, /q: must not contain control characters/],
      ['?q=abc%00def', /q: must not contain NUL/],
      ['?asn=ASX', /asn: must be an AS number/],
      ['?asn=-1', /asn: must be an AS number/],
      ['?asn=4294967296', /asn: must be at most 4294967295/],
      ['?asn=99999999999', /asn: must be an AS number/],
      ['?network=tor', /network:/],
      ['?services=NODE_WARP', /services: unknown service flag "NODE_WARP"; known: NODE_NETWORK/],
      ['?services=NODE_NETWORK,', /services: unknown service flag ""/],
      [`?services=${'NODE_NETWORK,'.repeat(20)}`, /services: must be at most 200 characters/],
    ];
    for (const [query, details] of cases) {
      const { response, body } = await fetchNodes(query);
      assert.equal(response.status, 400, query);
      assert.equal(body.error, 'Invalid query parameters', query);
      assert.match(body.details, details, query);
      assert.equal(response.headers.get('cache-control'), 'no-store');
    }
  });

  it('has an index for each filter: with sequential scans priced out, the plan uses one', async () => {
    const { sql } = database;
    const extension = await sql`select 1 from pg_extension where extname = 'pg_trgm'`;
    assert.equal(extension.length, 1, 'pg_trgm is available on this server');
    const expected: Record<string, RegExp> = {
      q: /node_search_document_trgm_idx/,
      asn: /nodes_asn_idx/,
      network: /nodes_network_idx/,
      services: /node_search_service_bits_idx/,
    };
    await sql.begin(async (tx) => {
      await tx`set local enable_seqscan = off`;
      for (const [label, query] of [
        ['q', { q: 'hetzner' }],
        ['asn', { asn: 'AS13335' }],
        ['network', { network: 'onion' }],
        ['services', { services: 'NODE_P2P_V2,NODE_WITNESS' }],
      ] as const) {
        const parsed = nodesQuerySchema.parse(query);
        const rows = await tx`explain select id from nodes where not hidden ${nodeSearchConditions(tx as unknown as Sql, parsed)}`;
        const plan = rows.map((row) => Object.values(row)[0]).join('\n');
        assert.match(plan, expected[label]!, `${label}: ${plan}`);
        assert.doesNotMatch(plan, /Seq Scan on node/, `${label}: ${plan}`);
      }
    });
  });

  it('keeps the spec parameters working next to the new ones (lib call)', async () => {
    const result = await listNodes(database.sql, nodesQuerySchema.parse({ q: 'satoshi', sort: 'pix_score', order: 'asc', limit: '2' }));
    assert.equal(result.pagination.limit, 2);
    assert.equal(result.total_nodes, 5);
    assert.deepEqual(Object.values(result.nodes).map((node) => node.pix_score), [null, null]);
  });

  it('node_search follows the nodes: inserts (also upserts), changes of searched columns, deletes; other updates leave it alone', async () => {
    const { sql } = database;
    const [node] = await sql<{ id: string }[]>`
      insert into nodes (ip, port, user_agent, services) values ('198.51.100.77', 8333, '/Fresh:1.0/', 1)
      on conflict (ip, port) do update set user_agent = excluded.user_agent returning id`;
    assert.deepEqual(await addresses('?q=fresh:1'), ['198.51.100.77:8333']);
    const before = await sql`select xmin::text as version from node_search where node_id = ${node!.id}`;
    await sql`update nodes set last_seen = now(), status = 'down', user_agent = user_agent, services = services where id = ${node!.id}`;
    const after = await sql`select xmin::text as version from node_search where node_id = ${node!.id}`;
    assert.equal(after[0]!.version, before[0]!.version, 'an update that changes no searched column does not touch node_search');
    await sql`
      insert into nodes (ip, port, user_agent, services) values ('198.51.100.77', 8333, '/Renamed:2.0/', 2048)
      on conflict (ip, port) do update set user_agent = excluded.user_agent, services = excluded.services`;
    assert.deepEqual(await addresses('?q=fresh:1'), []);
    assert.deepEqual(await addresses('?q=renamed:2'), ['198.51.100.77:8333']);
    assert.deepEqual(await addresses('?services=NODE_P2P_V2&q=renamed'), ['198.51.100.77:8333']);
    await sql`update nodes set hostname = 'seen.example.org' where id = ${node!.id}`;
    assert.deepEqual(await addresses('?q=seen.example'), ['198.51.100.77:8333']);
    await sql`delete from nodes where id = ${node!.id}`;
    assert.equal((await sql`select 1 from node_search where node_id = ${node!.id}`).length, 0);
    const [orphans] = await sql<{ missing: number }[]>`
      select count(*)::int as missing from nodes n where not exists (select 1 from node_search s where s.node_id = n.id)`;
    assert.equal(orphans?.missing, 0, 'every node has its row');
  });

  it('without pg_trgm (not installable or not allowed) the migration only notes it and q still works, unindexed', async () => {
    const { sql } = database;
    const migration = readFileSync(new URL('../../supabase/migrations/20261126200000_node_search_filters.sql', import.meta.url), 'utf8');
    const doBlock = migration.slice(migration.indexOf('do $$'), migration.lastIndexOf('end $$;') + 'end $$;'.length);
    const role = `peerscope_no_create_${process.pid}_${Date.now()}`;
    await sql`drop extension pg_trgm cascade`;
    await sql.unsafe(`create role ${role} nologin`);
    try {
      const notices: string[] = [];
      const observed = postgres(database.url, { max: 1, onnotice: (notice) => notices.push(String(notice.message)) });
      try {
        await observed.begin(async (tx) => {
          await tx.unsafe(`set local role ${role}`);
          await tx.unsafe(doBlock);
        });
      } finally {
        await observed.end();
      }
      assert.ok(notices.some((notice) => /pg_trgm/.test(notice)), notices.join('; '));
      const [index] = await sql`select 1 from pg_indexes where indexname = 'node_search_document_trgm_idx'`;
      assert.equal(index, undefined);
      assert.deepEqual(await addresses('?q=hetzner'), ['203.0.113.2:8333', '[2001:db8::7]:8333']);
    } finally {
      await sql.unsafe(doBlock);
      await sql.unsafe(`drop role if exists ${role}`);
    }
    const [restored] = await sql`select 1 as found from pg_indexes where indexname = 'node_search_document_trgm_idx'`;
    assert.equal(restored?.found, 1, 'run again where it may, the block creates the extension and the index');
  });
});
