import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

describe(`data layer round trip on ${testBackend()}`, () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
  });
  after(async () => {
    await database.close();
  });

  it('stores and returns a node with every kind of column intact', async () => {
    const { sql } = database;
    const lastSeen = new Date('2026-11-24T12:00:00.000Z');
    const [inserted] = await sql<{ id: string }[]>`
      insert into nodes (ip, port, network, status, protocol_version, user_agent, services, height,
        city, country, country_name, latitude, longitude, timezone, asn, organization_name,
        latency_ms, uptime_percentage, reliability, pix_score, tier, rank, last_seen, tips_enabled)
      values ('2001:db8::1', 8333, 'ipv6', 'up', 70016, '/Satoshi:27.0.0/', ${'18446744073709551615'}, 870000,
        'Zürich', 'CH', 'Switzerland', 47.3769, 8.5417, 'Europe/Zurich', 13030, 'Init7 (Switzerland) Ltd.',
        42.5, 99.25, 97.5, 912.3, 'diamond', 1, ${lastSeen}, true)
      returning id`;
    const [node] = await sql`select * from nodes where id = ${inserted!.id}`;
    assert.ok(node);
    assert.equal(node.ip, '2001:db8::1');
    assert.equal(node.services, '18446744073709551615', 'uint64 services survive unchanged');
    assert.equal(node.city, 'Zürich');
    assert.equal(node.latitude, 47.3769);
    assert.equal(node.latency_ms, 42.5);
    assert.equal(node.tier, 'diamond');
    assert.equal(node.tier_order, 5);
    assert.equal((node.last_seen as Date).toISOString(), lastSeen.toISOString());
    assert.equal(node.verified, false);
    assert.ok(node.first_seen instanceof Date);
  });

  it('upserts on (ip, port) instead of duplicating a node', async () => {
    const { sql } = database;
    const upsert = (height: number) => sql`
      insert into nodes (ip, port, height) values ('198.51.100.7', 8333, ${height})
      on conflict (ip, port) do update set height = excluded.height`;
    await upsert(1);
    await upsert(2);
    const rows = await sql<{ height: number }[]>`select height from nodes where ip = '198.51.100.7'`;
    assert.deepEqual(rows.map((row) => row.height), [2]);
  });

  it('enforces the value rules of the schema', async () => {
    const { sql } = database;
    await assert.rejects(sql`insert into nodes (ip, port, tier) values ('198.51.100.8', 8333, 'platinum')`, /check/i);
    await assert.rejects(sql`insert into nodes (ip, port) values ('198.51.100.8', 70000)`, /check/i);
    await assert.rejects(sql`insert into nodes (ip, port, services) values ('198.51.100.8', 1, 18446744073709551616)`, /check|out of range/i);
    await assert.rejects(sql`insert into profiles (email) values ('Someone@Example.com')`, /check/i);
  });

  it('keeps probe history with its node and removes it with the node', async () => {
    const { sql } = database;
    const [node] = await sql<{ id: string }[]>`insert into nodes (ip, port) values ('203.0.113.9', 8333) returning id`;
    await sql`insert into node_checks (node_id, status, latency_ms) values (${node!.id}, 'up', 12), (${node!.id}, 'down', null)`;
    const history = await sql<{ status: string }[]>`
      select status from node_checks where node_id = ${node!.id} order by id`;
    assert.deepEqual(history.map((row) => row.status), ['up', 'down']);
    await sql`delete from nodes where id = ${node!.id}`;
    const [left] = await sql<{ n: number }[]>`select count(*)::int as n from node_checks where node_id = ${node!.id}`;
    assert.equal(left!.n, 0);
  });

  it('round-trips JSON snapshots and generates uuids and array defaults', async () => {
    const { sql } = database;
    const versions = { '/Satoshi:27.0.0/': 10, '/Satoshi:26.1.0/': 3 };
    const [snapshot] = await sql<{ versions: Record<string, number> }[]>`
      insert into network_snapshots (total_nodes, online_nodes, latest_height, versions)
      values (13, 12, 870000, ${sql.json(versions)}) returning versions`;
    assert.deepEqual(snapshot!.versions, versions);

    const [profile] = await sql<{ id: string }[]>`insert into profiles (email) values ('op@example.com') returning id`;
    assert.match(profile!.id, /^[0-9a-f-]{36}$/);
    const [key] = await sql<{ scopes: string[] }[]>`
      insert into api_keys (user_id, name, key_prefix, key_hash)
      values (${profile!.id}, 'ci', 'btc_sk_ab', 'hash-1') returning scopes`;
    assert.deepEqual(key!.scopes, ['read:nodes', 'read:stats']);
    await assert.rejects(sql`
      insert into api_keys (user_id, name, key_prefix, key_hash, scopes)
      values (${profile!.id}, 'bad', 'btc_sk_cd', 'hash-2', ${['write:everything']})`, /check/i);
  });

  it('commits transactions atomically and rolls back on error', async () => {
    const { sql } = database;
    await assert.rejects(
      sql.begin(async (tx) => {
        await tx`insert into nodes (ip, port) values ('192.0.2.44', 8333)`;
        throw new Error('abort');
      }),
      /abort/,
    );
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from nodes where ip = '192.0.2.44'`;
    assert.equal(row!.n, 0);
  });
});
