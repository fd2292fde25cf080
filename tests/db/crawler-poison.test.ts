import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveChain } from '../../lib/chains';
import type { PeerAddress, ProbeResult } from '../../lib/crawler/types';
import { runCrawlPass } from '../../crawler/pass';
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
});
