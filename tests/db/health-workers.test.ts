import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { GET as getHealth } from '../../app/api/health/route';
import { resolveChain, type ResolvedChain } from '../../lib/chains';
import { healthLimits } from '../../lib/worker-health';
import type { Resolver } from '../../lib/p2p/crawl';
import { runWorker } from '../../crawler/worker';
import { startSimulatedNetwork, type SimulatedNetwork } from '../../crawler/simulator';
import { releaseRoutes, useDatabaseForRoutes } from '../helpers/api';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

const TIMEOUTS = { connectMs: 5000, handshakeMs: 8000, pingMs: 4000, addrWindowMs: 1500, totalMs: 15000 };
const offline: Resolver = {
  resolve4: async () => Promise.reject(Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' })),
  resolve6: async () => Promise.reject(Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' })),
};

describe(`/api/health: crawler and monitor liveness on ${testBackend()}`, () => {
  let database: TestDatabase;
  let network: SimulatedNetwork;
  let chain: ResolvedChain;
  const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);

  before(async () => {
    database = await openMigratedTestDatabase();
    network = await startSimulatedNetwork({ nodes: 12, hostileShare: 0, goneShare: 0, randomSeed: 3 });
    const base = resolveChain({});
    chain = { ...base, crawler: { ...base.crawler, seeds: [], concurrency: 8, timeouts: TIMEOUTS } };
    await useDatabaseForRoutes(database.url);
  });
  afterEach(() => {
    delete process.env.HEALTH_CRAWLER_MAX_AGE_SECONDS;
    delete process.env.HEALTH_MONITOR_MAX_AGE_SECONDS;
  });
  after(async () => {
    await releaseRoutes();
    await network.stop();
    await database.close();
  });

  const health = async () => {
    const response = await getHealth();
    return { status: response.status, body: (await response.json()) as any };
  };

  it('a fresh database (nothing ran yet) is healthy: the crawler never ran, no monitor runs, no snapshot', async () => {
    const { status, body } = await health();
    assert.equal(status, 200);
    assert.equal(body.status, 'healthy');
    assert.equal(body.crawler.state, 'never_ran');
    assert.equal(body.crawler.last_pass_at, null);
    assert.equal(body.monitor.state, 'not_running');
    assert.equal(body.snapshot, null);
    assert.deepEqual(body.problems, []);
  });

  it('limits come from the environment, with defaults scaled to the intervals; bad values fall back, 0 turns the check off', () => {
    assert.deepEqual(healthLimits({}), { crawlerMaxAgeSeconds: 900, monitorMaxAgeSeconds: 300 });
    assert.deepEqual(healthLimits({ CRAWL_INTERVAL_SECONDS: '3600', MONITOR_SYNC_SECONDS: '60' }), { crawlerMaxAgeSeconds: 10_800, monitorMaxAgeSeconds: 600 });
    assert.deepEqual(healthLimits({ HEALTH_CRAWLER_MAX_AGE_SECONDS: 'soon', HEALTH_MONITOR_MAX_AGE_SECONDS: '-5' }), { crawlerMaxAgeSeconds: 900, monitorMaxAgeSeconds: 300 });
    assert.deepEqual(healthLimits({ HEALTH_CRAWLER_MAX_AGE_SECONDS: '0', HEALTH_MONITOR_MAX_AGE_SECONDS: '120' }), { crawlerMaxAgeSeconds: 0, monitorMaxAgeSeconds: 120 });
  });

  it('a running crawler reports its pass (age, duration, dial counts); a clean stop is "stopped", never stale', { timeout: 60_000 }, async () => {
    const controller = new AbortController();
    let heartbeatDuringRun: unknown[] = [];
    await runWorker({
      sql: database.sql,
      settings: { intervalMs: 60_000, once: false, flushSize: 50, geo: false },
      access: { chain, dialer: network.dialer, resolver: network.resolver, dnsSeeds: network.dnsSeeds, description: 'simulated' },
      signal: controller.signal,
      log: () => {},
      // Stop once the heartbeat is read (the worker is then waiting for its next pass).
      onPass: () => {
        void database.sql`select beat_at from crawler_heartbeats`.then((rows) => {
          heartbeatDuringRun = [...rows];
          controller.abort();
        });
      },
    });
    assert.equal(heartbeatDuringRun.length, 1, 'the worker beat while it ran');
    const [row] = await database.sql`select count(*)::int as n from crawler_heartbeats`;
    assert.equal(row!.n, 0, 'a clean stop removes the heartbeat');
    const { status, body } = await health();
    assert.equal(status, 200);
    assert.equal(body.crawler.state, 'stopped');
    assert.ok(body.crawler.dialed > 0 && body.crawler.dialed_ok > 0);
    assert.equal(body.crawler.dialed, body.crawler.dialed_ok + body.crawler.dialed_failed);
    assert.ok(body.crawler.duration_ms >= 0);
    assert.ok(body.crawler.last_pass_age_seconds >= 0 && body.crawler.last_pass_age_seconds < 60);
    assert.ok(body.snapshot.age_seconds < 60, 'the pass took a snapshot');

    // Once (cron) mode keeps its beat on exit, so a cron that stops running goes stale.
    await runWorker({
      sql: database.sql,
      settings: { intervalMs: 60_000, once: true, flushSize: 50, geo: false },
      access: { chain, dialer: network.dialer, resolver: offline, dnsSeeds: ['seed.invalid'], description: 'offline' },
      signal: new AbortController().signal,
      log: () => {},
    });
    const running = await health();
    assert.equal(running.body.crawler.state, 'running');
    assert.ok(running.body.crawler.age_seconds < 60);
    assert.equal(running.status, 200);
  });

  it('a crawler that stopped beating goes stale (503 unhealthy, with the reason) past the limit', async () => {
    await database.sql`update crawler_heartbeats set beat_at = ${ago(2000)}, pass_started_at = ${ago(2100)}`;
    await database.sql`update crawler_runs set finished_at = ${ago(2050)}, started_at = ${ago(2100)}`;
    const stale = await health();
    assert.equal(stale.status, 503);
    assert.equal(stale.body.status, 'unhealthy');
    assert.equal(stale.body.crawler.state, 'stale');
    assert.ok(stale.body.crawler.age_seconds >= 2000);
    assert.match(stale.body.problems[0], /crawler.*2\d{3} s old \(limit 900 s, HEALTH_CRAWLER_MAX_AGE_SECONDS\)/);
    assert.equal(stale.body.database.ok, true, 'the database part is unchanged');

    process.env.HEALTH_CRAWLER_MAX_AGE_SECONDS = '3600';
    assert.equal((await health()).status, 200, 'a longer limit');
    process.env.HEALTH_CRAWLER_MAX_AGE_SECONDS = '0';
    assert.equal((await health()).status, 200, '0 turns the check off');
    await database.sql`delete from crawler_heartbeats`;
  });

  it('monitor heartbeats: the stalest shard of the current layout decides; old layouts are ignored', async () => {
    const beat = (index: number, count: number, at: Date) => database.sql`
      insert into monitor_heartbeats (shard_index, shard_count, started_at, beat_at, sync_ms, held, connected, down)
      values (${index}, ${count}, ${ago(5000)}, ${at}, 120, 10, 8, 2)`;
    await beat(0, 1, ago(9000)); // a layout no monitor uses any more
    await beat(0, 2, ago(5));
    await beat(1, 2, ago(20));
    const fresh = await health();
    assert.equal(fresh.status, 200);
    assert.equal(fresh.body.monitor.state, 'running');
    assert.equal(fresh.body.monitor.shards, 2);
    assert.equal(fresh.body.monitor.held, 20);
    assert.equal(fresh.body.monitor.connected, 16);
    assert.ok(fresh.body.monitor.age_seconds >= 20 && fresh.body.monitor.age_seconds < 60);

    await database.sql`update monitor_heartbeats set beat_at = ${ago(400)} where shard_index = 1 and shard_count = 2`;
    const stale = await health();
    assert.equal(stale.status, 503);
    assert.equal(stale.body.monitor.state, 'stale');
    assert.match(stale.body.problems.join(' '), /monitor.*HEALTH_MONITOR_MAX_AGE_SECONDS/);
    process.env.HEALTH_MONITOR_MAX_AGE_SECONDS = '600';
    assert.equal((await health()).status, 200);
  });
});
