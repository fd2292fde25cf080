import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveChain, type ResolvedChain } from '../../lib/chains';
import { addressKey, type PeerAddress } from '../../lib/crawler/types';
import { probePeer } from '../../lib/p2p/probe';
import { runCrawlPass } from '../../crawler/pass';
import { startSimulatedNetwork, type SimulatedNetwork } from '../../crawler/simulator';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

const TIMEOUTS = { connectMs: 5000, handshakeMs: 8000, pingMs: 4000, addrWindowMs: 1500, totalMs: 15000 };

describe(`crawl pass with admin bans and hides on ${testBackend()}`, () => {
  let database: TestDatabase;
  let network: SimulatedNetwork;
  let chain: ResolvedChain;
  const dialed: string[] = [];

  before(async () => {
    database = await openMigratedTestDatabase();
    network = await startSimulatedNetwork({ nodes: 60, hostileShare: 0, goneShare: 0, slowShare: 0, randomSeed: 11 });
    const base = resolveChain({});
    chain = { ...base, crawler: { ...base.crawler, concurrency: 16, timeouts: TIMEOUTS } };
  });
  after(async () => {
    await network.stop();
    await database.close();
  });

  const pass = () =>
    runCrawlPass({
      sql: database.sql,
      chain,
      probe: (address: PeerAddress, signal?: AbortSignal) => {
        dialed.push(addressKey(address));
        return probePeer(address, { chain, dialer: network.dialer, timeouts: TIMEOUTS, signal });
      },
      dnsSeeds: network.dnsSeeds,
      resolver: network.resolver,
      flushSize: 20,
      minRecheckMs: 0,
    });

  it('never dials a banned node or range (discovery and probing), crawls hidden nodes but keeps them out of the snapshot', async () => {
    const peers = network.reachable();
    const [bannedNode, bannedRange, hiddenNode] = [peers[3]!, peers[7]!, peers[11]!];
    const { sql } = database;
    await sql`insert into node_bans (action, target_type, ip, port, reason) values ('ban', 'node', ${bannedNode.address.host}, ${bannedNode.address.port}, 'test ban')`;
    await sql`insert into node_bans (action, target_type, cidr, reason) values ('ban', 'cidr', ${`${bannedRange.address.host}/32`}::cidr, 'test range')`;
    await sql`insert into node_bans (action, target_type, ip, port, reason) values ('hide', 'node', ${hiddenNode.address.host}, ${hiddenNode.address.port}, 'test hide')`;

    const first = await pass();
    assert.ok(first.crawl.ok > 10, 'the rest of the network was crawled');
    const banned = [addressKey(bannedNode.address), addressKey(bannedRange.address)];
    for (const key of banned) assert.ok(!dialed.includes(key), `${key} was never dialed`);
    assert.ok(dialed.includes(addressKey(hiddenNode.address)), 'a hidden node is still crawled');

    const stored = await sql<{ ip: string; hidden: boolean; banned: boolean }[]>`select ip, hidden, banned from nodes`;
    assert.ok(!stored.some((row) => row.ip === bannedNode.address.host || row.ip === bannedRange.address.host), 'banned addresses are not stored from gossip');
    const hidden = stored.find((row) => row.ip === hiddenNode.address.host);
    assert.deepEqual(hidden && { hidden: hidden.hidden, banned: hidden.banned }, { hidden: true, banned: false }, 'hidden as soon as the pass stores it');
    const [snapshot] = await sql<{ nodes: Record<string, unknown> }[]>`select nodes from network_snapshots where id = ${first.snapshotId!}`;
    assert.ok(!(addressKey(hiddenNode.address) in snapshot!.nodes), 'the snapshot map leaves the hidden node out');
    const [rankedRow] = await sql<{ ranked: number }[]>`select count(*)::int as ranked from nodes where hidden and rank is not null`;
    assert.equal(rankedRow!.ranked, 0, 'hidden nodes are not ranked');

    // A node already known when its ban starts is not probed again.
    await sql`insert into node_bans (action, target_type, ip, port, reason) values ('ban', 'node', ${hiddenNode.address.host}, ${hiddenNode.address.port}, 'now banned')`;
    dialed.length = 0;
    await pass();
    assert.ok(!dialed.includes(addressKey(hiddenNode.address)), 'a known node is not dialed once banned');
    assert.ok(dialed.length > 10, 'the others were');

    // Lifted and expired entries stop applying at the next pass.
    await sql`update node_bans set lifted_at = now() where target_type = 'node'`;
    await sql`update node_bans set created_at = now() - interval '1 hour', expires_at = now() - interval '1 second' where target_type = 'cidr'`;
    dialed.length = 0;
    await pass();
    assert.ok(dialed.includes(addressKey(hiddenNode.address)), 'dialed again once the ban is lifted');
    const [visible] = await sql<{ hidden: boolean; banned: boolean }[]>`select hidden, banned from nodes where ip = ${hiddenNode.address.host}`;
    assert.deepEqual({ ...visible }, { hidden: false, banned: false });
  });
});
