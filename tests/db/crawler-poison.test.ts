import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveChain } from '../../lib/chains';
import type { PeerAddress, ProbeResult } from '../../lib/crawler/types';
import { runCrawlPass } from '../../crawler/pass';
import { ReverseDns } from '../../lib/crawler/reverse-dns';
import { startGossipTestNetwork } from '../../crawler/simulator';
import { crawlerProbe } from '../../crawler/worker';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

/**
 * A probe result the database refuses (a NUL byte in text: what a peer's user agent was before
 * decode sanitised it) must not cost the healthy peers of the same batch their records.
 */
describe(`a pass with a poisoned probe result on ${testBackend()}`, () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
  });
  after(async () => {
    await database.close();
  });

  it('records every healthy peer, and the poisoned one as an error check', async () => {
    const healthy: PeerAddress[] = Array.from({ length: 20 }, (_, index) => ({ host: `5.9.0.${index + 1}`, port: 8333, network: 'ipv4' }));
    const evil: PeerAddress = { host: '5.9.9.9', port: 8333, network: 'ipv4' };
    const base = resolveChain({});
    const chain = { ...base, crawler: { ...base.crawler, seeds: [evil, ...healthy], concurrency: 4 } };
    const logs: string[] = [];
    const probe = async (address: PeerAddress): Promise<ProbeResult> => ({
      address,
      checkedAt: new Date(),
      ok: true,
      latencyMs: 12,
      version: {
        protocolVersion: 70016,
        services: 1033n,
        // Bypasses the codec on purpose: the record path must survive what decode would have cleaned.
        userAgent: address.host === evil.host ? '/Evil\u0000Core:1.0/' : '/Satoshi:28.1.0/',
        startHeight: 880_000,
        relay: true,
        timestamp: Math.floor(Date.now() / 1000),
      },
      learned: [],
    });
    const summary = await runCrawlPass({ sql: database.sql, chain, probe, dnsSeeds: [], flushSize: 8, log: (line) => logs.push(line) });

    const up = await database.sql<{ ip: string; user_agent: string }[]>`select ip, user_agent from nodes where status = 'up' order by ip`;
    assert.deepEqual(new Set(up.map((row) => row.ip)), new Set(healthy.map((address) => address.host)), 'every healthy peer is up');
    assert.ok(up.every((row) => row.user_agent === '/Satoshi:28.1.0/'));
    const [evilCheck] = await database.sql<{ status: string; error: string | null; user_agent: string | null }[]>`
      select c.status, c.error, c.user_agent from node_checks c join nodes n on n.id = c.node_id where n.ip = ${evil.host}`;
    assert.equal(evilCheck?.status, 'down');
    assert.match(evilCheck?.error ?? '', /refused by the database/);
    assert.equal(summary.recorded, 20);
    assert.ok(summary.snapshotId, 'the pass went on to its snapshot');
    assert.ok(logs.some((line) => line.includes('5.9.9.9:8333') && line.includes('error check')), 'the bad row is logged by address');
  });

  it('a pass over hostile gossip peers records every peer, keeps their damage on the checks and stores no bogon', async () => {
    const network = await startGossipTestNetwork({ good: 6 });
    try {
      const base = resolveChain({});
      const timeouts = { connectMs: 3000, handshakeMs: 4000, pingMs: 2000, addrWindowMs: 4000, totalMs: 10_000 };
      const chain = { ...base, crawler: { ...base.crawler, seeds: [network.seed], concurrency: 8, timeouts, addrQuietMs: 300 } };
      const summary = await runCrawlPass({ sql: database.sql, chain, probe: crawlerProbe(chain, network.dialer), dnsSeeds: [], flushSize: 4 });
      assert.equal(summary.crawl.dialed, network.peers.length);

      const rows = await database.sql<{ ip: string; status: string; user_agent: string | null; protocol_version: number | null }[]>`
        select ip, status, user_agent, protocol_version from nodes where ip like '5.9.200.%'`;
      const byHost = new Map(rows.map((row) => [row.ip, row]));
      for (const peer of network.peers) {
        const row = byHost.get(peer.address.host);
        assert.ok(row, `${peer.behaviour} peer recorded`);
        assert.equal(row.status, peer.behaviour === 'old-version' ? 'down' : 'up', `${peer.behaviour} status`);
      }
      const find = (behaviour: string) => byHost.get(network.peers.find((peer) => peer.behaviour === behaviour)!.address.host)!;
      assert.equal(find('nul-agent').user_agent, '/EvilCore:1.0/');
      assert.equal(find('old-version').protocol_version, 60_000, 'recorded with its version');
      const [bomb] = await database.sql<{ status: string; error: string | null }[]>`
        select c.status, c.error from node_checks c join nodes n on n.id = c.node_id
        where n.ip = ${network.peers.find((peer) => peer.behaviour === 'count-bomb')!.address.host}`;
      assert.equal(bomb?.status, 'up');
      assert.match(bomb?.error ?? '', /too many entries/, 'the error after the handshake is on the check');
      const [bogons] = await database.sql<{ n: number }[]>`
        select count(*)::int as n from nodes
        where ip like '192.0.2.%' or ip like '10.%' or ip like '127.%' or ip like '169.254.%' or ip like '0.%' or ip like '100.64.%' or ip like '198.18.%'`;
      assert.equal(bogons!.n, 0, 'no non-public gossip stored');
    } finally {
      await network.stop();
    }
  });

  it('fills hostname from reverse DNS for reachable nodes (injected resolver)', async () => {
    const base = resolveChain({});
    const peers: PeerAddress[] = [{ host: '5.9.77.1', port: 8333, network: 'ipv4' }, { host: '5.9.77.2', port: 8333, network: 'ipv4' }];
    const chain = { ...base, crawler: { ...base.crawler, seeds: peers } };
    const reverseDns = new ReverseDns({ timeoutMs: 500, concurrency: 2, lookup: async (ip) => (ip === '5.9.77.1' ? ['node.example.org'] : []) });
    const probe = async (address: PeerAddress): Promise<ProbeResult> => ({ address, checkedAt: new Date(), ok: true, learned: [] });
    const summary = await runCrawlPass({ sql: database.sql, chain, probe, dnsSeeds: [], reverseDns });
    assert.equal(summary.hostnames, 1);
    const rows = await database.sql<{ ip: string; hostname: string | null }[]>`select ip, hostname from nodes where ip like '5.9.77.%' order by ip`;
    assert.deepEqual(rows.map((row) => row.hostname), ['node.example.org', null]);
  });

  it('says plainly when every DNS seed fails, and points to the demo', async () => {
    const logs: string[] = [];
    const failing = { resolve4: () => Promise.reject(Object.assign(new Error('EAI_AGAIN'), { code: 'EAI_AGAIN' })), resolve6: () => Promise.reject(Object.assign(new Error('EAI_AGAIN'), { code: 'EAI_AGAIN' })) };
    const probe = async (address: PeerAddress): Promise<ProbeResult> => ({ address, checkedAt: new Date(), ok: false, error: 'ECONNREFUSED', learned: [] });
    await runCrawlPass({ sql: database.sql, chain: resolveChain({}), probe, dnsSeeds: ['seed.invalid'], resolver: failing, log: (line) => logs.push(line) });
    assert.ok(logs.some((line) => /every DNS seed failed/.test(line) && line.includes('npm run demo')), logs.join('\n'));
  });

  it('never dials stored non-public addresses, and forgets discovered never-reached ones', async () => {
    await database.sql`
      insert into nodes (ip, port, network, source) values
        ('10.9.9.1', 8333, 'ipv4', 'discovered'), ('192.0.2.77', 5432, 'ipv4', 'discovered'), ('10.9.9.2', 8333, 'ipv4', 'registered')`;
    const dialed: string[] = [];
    const probe = async (address: PeerAddress): Promise<ProbeResult> => {
      dialed.push(address.host);
      return { address, checkedAt: new Date(), ok: false, error: 'ECONNREFUSED', learned: [] };
    };
    await runCrawlPass({ sql: database.sql, chain: resolveChain({}), probe, dnsSeeds: [] });
    assert.deepEqual(dialed.filter((host) => host.startsWith('10.') || host.startsWith('192.0.2.')), []);
    const left = await database.sql<{ ip: string }[]>`select ip from nodes where ip in ('10.9.9.1', '192.0.2.77', '10.9.9.2')`;
    assert.deepEqual(left.map((row) => row.ip), ['10.9.9.2'], 'a registered node is kept (and not dialed)');
  });
});
