import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { getNodeDowntimes } from '../../lib/api/history';
import { getBitnodesLatency, getBitnodesSnapshot, listBitnodesSnapshots } from '../../lib/api/bitnodes';
import { recomputeScores } from '../../lib/crawler/measure/recompute';
import { RETENTION_LOCK_KEY } from '../../lib/retention/batch';
import { DEMO_RETENTION_ENV } from '../../lib/retention/demo';
import { DETAIL_EVENT_TYPES } from '../../lib/retention/events';
import { bloatedIndexes } from '../../lib/retention/indexes';
import { resolveRetentionSettings, runRetention, type RetentionSettings } from '../../lib/retention';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

const one = <T>(rows: readonly T[]): T => {
  assert.ok(rows[0] !== undefined, 'one row');
  return rows[0];
};
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-11-26T00:02:30.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

const settings: RetentionSettings = resolveRetentionSettings({
  RETENTION_SNAPSHOT_ALL_MAPS_HOURS: '24',
  RETENTION_SNAPSHOT_MAPS_DAYS: '60',
  RETENTION_CHECKS_FULL_HOURS: '48',
  RETENTION_CHECKS_DAYS: '30',
  RETENTION_CHECKS_SAMPLE_MINUTES: '60',
  RETENTION_CHECK_CHANGES_DAYS: '35',
  RETENTION_EVENTS_DETAIL_DAYS: '30',
  RETENTION_EVENTS_DAYS: '90',
});

describe(`retention on ${testBackend()}`, () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
  });
  after(async () => {
    await database.close();
  });
  beforeEach(async () => {
    await database.sql`truncate nodes, network_snapshots, retention_progress restart identity cascade`;
  });

  const node = async (ip: string): Promise<string> => {
    const [row] = await database.sql<{ id: string }[]>`
      insert into nodes (ip, port, status, last_seen) values (${ip}, 8333, 'up', ${NOW}) returning id`;
    return row!.id;
  };

  describe('snapshots', () => {
    /** One snapshot every 6 hours for 70 days (4 a day), each with a node map and stored aggregates. */
    async function seedSnapshots(): Promise<void> {
      await database.sql`
        insert into network_snapshots (taken_at, total_nodes, online_nodes, latest_height, versions, nodes, api_aggregates, countries_online, countries_all)
        select t, 10, 8, 100, '{"70016": 8}', '{"203.0.113.1:8333": [70016, "/Satoshi:27.0.0/", 0, 1, 100, null, null, "DE", 0, 0, null, "AS1", null]}',
               '{"totalNodes": 10}', '[]', '[]'
        from generate_series(${ago(70 * DAY)}::timestamptz, ${ago(1000)}::timestamptz, interval '6 hours') as t`;
    }

    it('keeps every summary, every map for a day, one map a day until 60 days, and is idempotent', async () => {
      await seedSnapshots();
      const { total } = one(await database.sql<{ total: number }[]>`select count(*)::int as total from network_snapshots`);
      const report = await runRetention(database.sql, { now: NOW, settings });
      assert.equal(report.stopped, 'done');
      const rows = await database.sql<{ taken_at: Date; has_map: boolean; has_aggregates: boolean; online_nodes: number; versions: object }[]>`
        select taken_at, nodes is not null as has_map, api_aggregates is not null or countries_online is not null as has_aggregates, online_nodes, versions
        from network_snapshots order by taken_at`;
      assert.equal(rows.length, total, 'every summary is kept');
      assert.ok(rows.every((row) => row.online_nodes === 8 && JSON.stringify(row.versions) === '{"70016":8}'), 'summaries untouched');
      for (const row of rows) {
        const age = NOW.getTime() - row.taken_at.getTime();
        if (age <= DAY) {
          assert.ok(row.has_map && row.has_aggregates, `a snapshot ${age / HOUR} h old keeps everything`);
        } else {
          assert.equal(row.has_aggregates, false, 'stored aggregates are dropped after the first day');
          if (age > 60 * DAY) assert.equal(row.has_map, false, 'no map beyond 60 days');
        }
      }
      const mapsPerDay = new Map<string, number>();
      for (const row of rows) {
        const age = NOW.getTime() - row.taken_at.getTime();
        if (age > DAY && age < 60 * DAY && row.has_map) {
          const day = row.taken_at.toISOString().slice(0, 10);
          mapsPerDay.set(day, (mapsPerDay.get(day) ?? 0) + 1);
        }
      }
      assert.ok(mapsPerDay.size >= 58, `one map for each day between 1 and 60 days (${mapsPerDay.size})`);
      assert.ok([...mapsPerDay.values()].every((count) => count === 1), 'exactly one map per UTC day');
      const kept = rows.find((row) => row.has_map && NOW.getTime() - row.taken_at.getTime() > 10 * DAY)!;
      assert.equal(kept.taken_at.getUTCHours(), 0, "the day's first snapshot keeps its map");

      const again = await runRetention(database.sql, { now: NOW, settings });
      assert.equal(again.snapshotsSlimmed, 0, 'a second run changes nothing');
    });

    it('never slims the newest snapshot, and the Bitnodes endpoints serve what is kept', async () => {
      await seedSnapshots();
      await runRetention(database.sql, { now: new Date(NOW.getTime() + 400 * DAY), settings });
      const [newest] = await database.sql<{ has_map: boolean }[]>`
        select nodes is not null and api_aggregates is not null as has_map from network_snapshots order by taken_at desc limit 1`;
      assert.equal(newest!.has_map, true, 'the newest snapshot keeps its map and aggregates even when older than every window');

      await database.sql`truncate network_snapshots, snapshot_bodies restart identity`;
      await seedSnapshots();
      await runRetention(database.sql, { now: NOW, settings });
      const base = new URL('http://localhost/api/v1/snapshots/');
      const list = await listBitnodesSnapshots(database.sql, { page: 1, limit: 100 }, base);
      const { maps } = one(await database.sql<{ maps: number }[]>`select count(*)::int as maps from network_snapshots where nodes is not null`);
      assert.equal(list.count, maps, 'the list holds the snapshots that still have a map');
      const slimmed = Math.floor(ago(10 * DAY + 6 * HOUR).getTime() / 1000);
      const [slimmedRow] = await database.sql<{ taken_at: Date; has_map: boolean }[]>`
        select taken_at, nodes is not null as has_map from network_snapshots where taken_at <= to_timestamp(${slimmed}) order by taken_at desc limit 1`;
      const at = Math.floor(slimmedRow!.taken_at.getTime() / 1000);
      const served = await getBitnodesSnapshot(database.sql, at, {});
      assert.equal(served === null, !slimmedRow!.has_map, 'a snapshot without its map answers 404 (null), one with it answers');
      assert.ok(list.results.every((entry) => entry.total_nodes === 8));
    });
  });

  describe('checks', () => {
    /**
     * A node probed every 5 minutes for 40 days, down for 2 hours every 3 days
     * (starting at 07:00), and a second node probed every 5 minutes that flaps each hour.
     */
    async function seedChecks(id: string, flapping = false): Promise<void> {
      await database.sql`
        insert into node_checks (node_id, checked_at, status, latency_ms)
        select ${id}, t,
               case when ${flapping}::boolean then (case when extract(minute from t) < 30 then 'up' else 'down' end)
                    when (extract(epoch from t)::bigint / 3600) % 72 in (7, 8) then 'down' else 'up' end,
               50 + (extract(epoch from t)::bigint % 7) * 10
        from generate_series(${ago(40 * DAY)}::timestamptz, ${ago(60_000)}::timestamptz, interval '5 minutes') as t`;
    }

    it('downsamples by age band and keeps downtimes, uptime and the latency series', async () => {
      const steady = await node('203.0.113.1');
      const flappy = await node('203.0.113.2');
      await seedChecks(steady);
      await seedChecks(flappy, true);
      const downtimesBefore = await getNodeDowntimes(database.sql, steady, { page: 1, rowsperpage: 100 }, NOW);
      const latencyBefore = await getBitnodesLatency(database.sql, steady, NOW);
      await recomputeScores(database.sql, { now: NOW });
      const scoresBefore = await database.sql<{ uptime_percentage: number; uptime_observed_hours: number }[]>`
        select uptime_percentage, uptime_observed_hours from nodes order by id`;

      const report = await runRetention(database.sql, { now: NOW, settings });
      assert.equal(report.stopped, 'done');
      assert.ok(report.checksThinned > 0 && report.checksDeleted > 0);

      const perBand = await database.sql<{ band: string; n: number; per_hour_max: number }[]>`
        select band, count(*)::int as n, max(per_hour)::int as per_hour_max from (
          select case when checked_at >= ${ago(48 * HOUR)} then 'full'
                      when checked_at >= ${ago(30 * DAY)} then 'sampled'
                      else 'changes' end as band,
                 count(*) over (partition by node_id, date_trunc('hour', checked_at)) as per_hour
          from node_checks where node_id = ${steady}) c
        group by band`;
      const band = Object.fromEntries(perBand.map((row) => [row.band, row]));
      assert.ok(band.full!.n >= 48 * 12 - 1, 'every check of the last 48 hours is kept');
      assert.ok(band.sampled!.per_hour_max <= 2, 'one check per hour (plus a status change) between 2 and 30 days');
      assert.ok(band.sampled!.n >= 27 * 24 && band.sampled!.n <= 28 * 24 + 20, `about one check per hour (${band.sampled!.n})`);
      assert.ok(band.changes!.n <= 2 * 3, `only the status changes of 30–35 days (${band.changes!.n})`);
      const { oldest } = one(await database.sql<{ oldest: Date }[]>`select min(checked_at) as oldest from node_checks`);
      assert.ok(oldest.getTime() >= ago(35 * DAY).getTime(), 'nothing older than the changes window');

      const downtimesAfter = await getNodeDowntimes(database.sql, steady, { page: 1, rowsperpage: 100 }, NOW);
      const within = (rows: typeof downtimesBefore.rows) => rows.filter((row) => row.start * 1000 >= ago(35 * DAY).getTime());
      assert.deepEqual(downtimesAfter.rows, within(downtimesBefore.rows), 'every downtime inside the windows is unchanged');
      assert.ok(downtimesAfter.records >= 10);

      await recomputeScores(database.sql, { now: NOW });
      const scoresAfter = await database.sql<{ uptime_percentage: number; uptime_observed_hours: number }[]>`
        select uptime_percentage, uptime_observed_hours from nodes order by id`;
      for (const [index, before] of scoresBefore.entries()) {
        assert.ok(Math.abs(scoresAfter[index]!.uptime_percentage - before.uptime_percentage) < 1e-6, '7-day uptime is exact after thinning');
        assert.ok(Math.abs(scoresAfter[index]!.uptime_observed_hours - before.uptime_observed_hours) < 1e-6);
      }
      const latencyAfter = await getBitnodesLatency(database.sql, steady, NOW);
      assert.deepEqual(latencyAfter.daily_latency, latencyBefore.daily_latency, 'the hourly series of the last day is untouched');
      // Hourly buckets over the week: the first one is cut by the window's start, and its one kept
      // sample per hour may fall before it; every whole hour keeps its point.
      const wholeHours = (points: typeof latencyBefore.weekly_latency) => points.filter((point) => point.t * 1000 >= ago(7 * DAY).getTime());
      assert.equal(wholeHours(latencyAfter.weekly_latency).length, wholeHours(latencyBefore.weekly_latency).length, 'every whole hour of the week keeps its point');
      // The monthly series spans a year; beyond the sampled window (30 days) only status changes stay.
      const sampledDays = (points: typeof latencyBefore.monthly_latency) => points.filter((point) => point.t * 1000 >= ago(30 * DAY).getTime());
      assert.equal(sampledDays(latencyAfter.monthly_latency).length, sampledDays(latencyBefore.monthly_latency).length, 'every daily point of the sampled 30 days is still there');

      const again = await runRetention(database.sql, { now: NOW, settings });
      assert.equal(again.checksThinned + again.checksDeleted, 0, 'a second run changes nothing');
      const later = await runRetention(database.sql, { now: new Date(NOW.getTime() + 2 * HOUR), settings });
      assert.ok(later.checksThinned > 0 && later.checksThinned < 2 * 2 * 12 + 10, `the next run thins only what aged since (${later.checksThinned})`);
    });

    it('stops at its time budget and resumes where it stopped', async () => {
      const id = await node('203.0.113.3');
      await seedChecks(id);
      const first = await runRetention(database.sql, { now: NOW, settings: { ...settings, budgetMs: 1 } });
      assert.equal(first.stopped, 'budget');
      let runs = 1;
      let report = first;
      while (report.stopped === 'budget' && runs < 10_000) {
        report = await runRetention(database.sql, { now: NOW, settings: { ...settings, budgetMs: 50 } });
        runs += 1;
      }
      assert.equal(report.stopped, 'done');
      const { n } = one(await database.sql<{ n: number }[]>`
        select count(*)::int as n from node_checks where checked_at < ${ago(48 * HOUR)} and checked_at >= ${ago(30 * DAY)}`);
      assert.ok(n <= 28 * 24 + 20, `thinned in the end (${n} checks in the sampled band, ${runs} runs)`);
    });

    it('does nothing while another process holds the retention lock', async () => {
      const id = await node('203.0.113.4');
      await seedChecks(id);
      const { before } = one(await database.sql<{ before: number }[]>`select count(*)::int as before from node_checks`);
      const holder = await database.sql.reserve();
      try {
        await holder`select pg_advisory_lock(hashtext(${RETENTION_LOCK_KEY}))`;
        const report = await runRetention(database.sql, { now: NOW, settings });
        assert.equal(report.stopped, 'locked');
        const { count } = one(await database.sql<{ count: number }[]>`select count(*)::int as count from node_checks`);
        assert.equal(count, before, 'nothing was deleted');
      } finally {
        await holder`select pg_advisory_unlock(hashtext(${RETENTION_LOCK_KEY}))`;
        holder.release();
      }
      const [first, second] = await Promise.all([
        runRetention(database.sql, { now: NOW, settings }),
        runRetention(database.sql, { now: NOW, settings }),
      ]);
      assert.ok([first.stopped, second.stopped].includes('done'), 'two shards at once: one finishes, the other steps aside or finishes too');
      const { n } = one(await database.sql<{ n: number }[]>`
        select count(*)::int as n from node_checks where checked_at < ${ago(48 * HOUR)} and checked_at >= ${ago(30 * DAY)}`);
      const rerun = await runRetention(database.sql, { now: NOW, settings });
      assert.equal(rerun.checksThinned, 0, 'nothing left after the two concurrent runs');
      assert.ok(n <= 28 * 24 + 20);
    });
  });

  describe('events and monitor spans', () => {
    it('drops noisy events after 30 days, every event after 90, spans after the 30-day uptime window', async () => {
      const id = await node('203.0.113.5');
      await database.sql`
        insert into node_events (node_id, type, occurred_at)
        select ${id}, type, ${NOW}::timestamptz - make_interval(days => d)
        from unnest(array['node_up', 'node_down', 'height_behind', 'exception_raised', 'exception_cleared', 'tier_changed']) as type,
             generate_series(0, 100, 10) as d`;
      await database.sql`
        insert into node_monitor_spans (node_id, state, started_at, ended_at, touched_at)
        values (${id}, 'up', ${ago(40 * DAY)}, ${ago(35 * DAY)}, ${ago(35 * DAY)}),
               (${id}, 'down', ${ago(35 * DAY)}, ${ago(20 * DAY)}, ${ago(20 * DAY)}),
               (${id}, 'up', ${ago(20 * DAY)}, null, ${NOW})`;
      const report = await runRetention(database.sql, { now: NOW, settings });
      assert.equal(report.stopped, 'done');
      const rows = await database.sql<{ type: string; age_days: number }[]>`
        select type, round(extract(epoch from ${NOW}::timestamptz - occurred_at) / 86400)::int as age_days from node_events`;
      for (const row of rows) {
        assert.ok(row.age_days <= 90, 'nothing older than 90 days');
        if ((DETAIL_EVENT_TYPES as readonly string[]).includes(row.type)) assert.ok(row.age_days <= 30, `${row.type} ${row.age_days} days old`);
      }
      assert.equal(rows.filter((row) => row.type === 'node_down').length, 10, 'node_down of 0–90 days kept, 100 days dropped');
      assert.equal(rows.filter((row) => row.type === 'height_behind').length, 4, 'height_behind of 0–30 days kept, 40 days dropped');
      const spans = await database.sql<{ state: string }[]>`select state from node_monitor_spans order by started_at`;
      assert.deepEqual(spans.map((span) => span.state), ['down', 'up'], 'the span that ended 35 days ago is gone, the open one stays');
    });
  });

  describe('index upkeep', () => {
    it('rebuilds only node_checks indexes more than twice their expected size', () => {
      const MB = 1024 * 1024;
      assert.deepEqual(
        bloatedIndexes([
          { name: 'node_checks_pkey', bytes: 500 * MB, entries: 20_000_000 },
          { name: 'node_checks_time_idx', bytes: 200 * MB, entries: 2_000_000 },
          { name: 'node_checks_node_time_idx', bytes: 700 * MB, entries: 20_000_000 },
          { name: 'nodes_pkey', bytes: 900 * MB, entries: 1 },
        ]),
        ['node_checks_time_idx'],
        '20M entries in 500 MB is fresh; 2M entries in 200 MB is five times too big; other tables are not ours',
      );
      assert.deepEqual(bloatedIndexes([{ name: 'node_checks_pkey', bytes: 6 * MB, entries: 10 }]), [], 'small indexes are left alone');
    });

    it('claims the daily rebuild slot once a day', async () => {
      const first = await runRetention(database.sql, { now: NOW, settings });
      const [claim] = await database.sql<{ done_until: Date }[]>`select done_until from retention_progress where stage = 'checks_reindex'`;
      assert.equal(claim?.done_until.getTime(), NOW.getTime(), 'the first run claims the slot');
      assert.deepEqual(first.indexesRebuilt, [], 'nothing bloated in an empty table');
      await runRetention(database.sql, { now: new Date(NOW.getTime() + HOUR), settings });
      const [still] = await database.sql<{ done_until: Date }[]>`select done_until from retention_progress where stage = 'checks_reindex'`;
      assert.equal(still?.done_until.getTime(), NOW.getTime(), 'an hour later the slot is still taken');
      await runRetention(database.sql, { now: new Date(NOW.getTime() + DAY), settings });
      const [next] = await database.sql<{ done_until: Date }[]>`select done_until from retention_progress where stage = 'checks_reindex'`;
      assert.equal(next?.done_until.getTime(), NOW.getTime() + DAY, 'a day later it is claimed again');
    });
  });

  describe('settings', () => {
    it('has documented defaults and refuses bad windows, naming them', () => {
      const defaults = resolveRetentionSettings({});
      assert.equal(defaults.snapshotAllMapsMs, 24 * HOUR);
      assert.equal(defaults.snapshotMapsMs, 60 * DAY);
      assert.equal(defaults.checksFullMs, 24 * HOUR);
      assert.equal(defaults.checksSampledMs, 30 * DAY);
      assert.equal(defaults.checksSampleMs, HOUR);
      assert.equal(defaults.checkChangesMs, 365 * DAY);
      assert.equal(defaults.eventsDetailMs, 30 * DAY);
      assert.equal(defaults.eventsMs, 365 * DAY);
      const demo = resolveRetentionSettings(DEMO_RETENTION_ENV);
      assert.equal(demo.checksFullMs, HOUR, 'npm run demo keeps every check for an hour only');
      assert.equal(demo.snapshotAllMapsMs, HOUR);
      assert.ok(demo.checksSampledMs >= 7 * DAY, 'and hourly checks for the 7 days its node page charts');
      assert.throws(() => resolveRetentionSettings({ RETENTION_SNAPSHOT_MAPS_DAYS: 'forever' }), /RETENTION_SNAPSHOT_MAPS_DAYS/);
      assert.throws(() => resolveRetentionSettings({ RETENTION_CHECKS_FULL_HOURS: '0' }), /RETENTION_CHECKS_FULL_HOURS/);
      assert.throws(() => resolveRetentionSettings({ RETENTION_CHECKS_DAYS: '400' }), /RETENTION_CHECKS_DAYS must not exceed/);
      assert.throws(() => resolveRetentionSettings({ RETENTION_EVENTS_DETAIL_DAYS: '400' }), /RETENTION_EVENTS_DETAIL_DAYS/);
    });
  });
});
