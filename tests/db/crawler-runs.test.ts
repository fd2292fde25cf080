import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { renderToStaticMarkup } from 'react-dom/server';
import { CrawlerBanner } from '../../app/_components/crawler-banner';
import { resolveChain, type ResolvedChain } from '../../lib/chains';
import { latestCrawlRun, seedsAllFailed } from '../../lib/crawler/runs';
import { getHealthReport } from '../../lib/health';
import { releaseRoutes, useDatabaseForRoutes } from '../helpers/api';
import type { Resolver } from '../../lib/p2p/crawl';
import { runWorker } from '../../crawler/worker';
import { startSimulatedNetwork, type SimulatedNetwork } from '../../crawler/simulator';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

const TIMEOUTS = { connectMs: 5000, handshakeMs: 8000, pingMs: 4000, addrWindowMs: 1500, totalMs: 15000 };
const SETTINGS = { intervalMs: 60_000, once: true, flushSize: 50, geo: false };
const failingResolver: Resolver = {
  resolve4: async (host) => Promise.reject(Object.assign(new Error(`queryA ECONNREFUSED ${host}`), { code: 'ECONNREFUSED' })),
  resolve6: async (host) => Promise.reject(Object.assign(new Error(`queryAAAA ECONNREFUSED ${host}`), { code: 'ECONNREFUSED' })),
};

describe(`crawler_runs: every pass is recorded on ${testBackend()}`, () => {
  let database: TestDatabase;
  let network: SimulatedNetwork;
  let chain: ResolvedChain;
  const logs: string[] = [];

  before(async () => {
    database = await openMigratedTestDatabase();
    network = await startSimulatedNetwork({ nodes: 40, hostileShare: 0, goneShare: 0.1, randomSeed: 5 });
    const base = resolveChain({});
    chain = { ...base, crawler: { ...base.crawler, seeds: [], concurrency: 16, timeouts: TIMEOUTS } };
  });
  after(async () => {
    await network.stop();
    await database.close();
  });

  const banner = async () => renderToStaticMarkup(await CrawlerBanner({ sql: database.sql }));

  it('shows no banner before the first pass', async () => {
    assert.equal(await latestCrawlRun(database.sql), null);
    assert.equal(await banner(), '');
  });

  it('records a pass whose seeds answered: seeds resolved, dial counts, duration; no banner', { timeout: 60_000 }, async () => {
    await runWorker({
      sql: database.sql,
      settings: SETTINGS,
      access: { chain, dialer: network.dialer, resolver: network.resolver, dnsSeeds: network.dnsSeeds, description: 'simulated' },
      signal: new AbortController().signal,
      log: (line) => logs.push(line),
    });
    const [run] = await database.sql`select * from crawler_runs`;
    assert.equal(run!.outcome, 'ok');
    assert.equal(run!.chain, 'bitcoin');
    assert.equal(run!.dns_seeds, 1);
    assert.equal(run!.dns_seeds_resolved, 1);
    assert.equal(run!.dialed_ok, network.reachable().length);
    assert.equal(run!.dialed, run!.dialed_ok + run!.dialed_failed);
    assert.ok(run!.dialed_failed > 0, 'gone peers count as failed dials');
    assert.ok(run!.duration_ms >= 0 && run!.finished_at >= run!.started_at);
    assert.equal(seedsAllFailed(await latestCrawlRun(database.sql)), false);
    assert.equal(await banner(), '');
  });

  it('records a pass where every DNS seed failed, and the dashboard says so and points to npm run demo', { timeout: 60_000 }, async () => {
    await database.sql`delete from nodes`;
    await runWorker({
      sql: database.sql,
      settings: SETTINGS,
      access: { chain, dialer: network.dialer, resolver: failingResolver, dnsSeeds: ['seed.one.invalid', 'seed.two.invalid'], description: 'offline' },
      signal: new AbortController().signal,
      log: (line) => logs.push(line),
    });
    const latest = await latestCrawlRun(database.sql);
    assert.equal(latest!.outcome, 'ok');
    assert.equal(latest!.dns_seeds, 2);
    assert.equal(latest!.dns_seeds_resolved, 0);
    assert.equal(latest!.dialed, 0);
    assert.ok(seedsAllFailed(latest));
    const html = await banner();
    assert.match(html, /cannot reach the network/);
    assert.match(html, /none of the 2 DNS seeds/);
    assert.match(html, /npm run demo/);

    await useDatabaseForRoutes(database.url);
    try {
      const health = await getHealthReport();
      assert.equal(health.status, 'healthy', 'the web app itself is healthy');
      assert.equal(health.crawler!.dns_seeds, 2);
      assert.equal(health.crawler!.dns_seeds_resolved, 0);
      assert.match(String(health.crawler!.warning), /none of the 2 DNS seeds resolved.*npm run demo/);
    } finally {
      await releaseRoutes();
    }
  });

  it('records a failed pass with its error', { timeout: 30_000 }, async () => {
    await database.sql`alter table nodes rename to nodes_away`;
    try {
      await assert.rejects(
        runWorker({
          sql: database.sql,
          settings: SETTINGS,
          access: { chain, dialer: network.dialer, resolver: network.resolver, dnsSeeds: network.dnsSeeds, description: 'broken' },
          signal: new AbortController().signal,
          log: (line) => logs.push(line),
        }),
      );
    } finally {
      await database.sql`alter table nodes_away rename to nodes`;
    }
    const latest = await latestCrawlRun(database.sql);
    assert.equal(latest!.outcome, 'failed');
    assert.match(String(latest!.error), /nodes/);
    assert.equal((await database.sql`select count(*)::int as n from crawler_runs`)[0]!.n, 3);
  });
});
