/**
 * The monitor loop wired to the database: reload the shard's targets every
 * syncMs, write through a MonitorStore, keep open spans touched, recompute
 * monitor uptime every few minutes, and run alerts as events arrive.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isOutdated } from '../alerts/outdated';
import type { VersionClasses } from '../versions/classes';
import { loadVersionClasses } from '../versions/store';
import type { Sql } from '../db/client';
import type { AddressNetwork } from '../crawler/types';
import { createAlertTrigger } from '../events/alert-trigger';
import { pruneEvents } from '../events/record';
import { recomputeMonitorUptime } from '../measure/monitor-uptime';
import type { Dialer } from '../p2p/dialer';
import type { ProbeChain } from '../p2p/probe';
import { PropagationRecorder } from '../propagation/recorder';
import { txSampleThreshold } from '../propagation/sampling';
import { prunePropagation, PropagationStore } from '../propagation/store';
import { Monitor } from './monitor';
import type { MonitorSettings } from './settings';
import { closeStaleSpans, MonitorStore, touchSpans } from './store';
import { loadTargets } from './targets';
import { clearMonitorHeartbeat, recordMonitorHeartbeat } from './heartbeat';
import { refreshNodeLists } from '../bans/apply';

export interface RunMonitorOptions {
  sql: Sql;
  chain: ProbeChain & { magic: string };
  dialer: Dialer;
  networks: AddressNetwork[];
  settings: MonitorSettings;
  signal: AbortSignal;
  log: (message: string) => void;
  processAlerts?: (sql: Sql, options: { now: Date }) => Promise<unknown>;
  /** Called after each target sync (tests, benchmarks). */
  onSync?: (monitor: Monitor) => void;
}

const TOUCH_MS = 60_000;
const MEASURE_MS = 5 * 60_000;
const EVENT_RETENTION_MS = 90 * 24 * 3_600_000;

export async function runMonitor(options: RunMonitorOptions): Promise<void> {
  const { sql, settings, log, signal } = options;
  const closed = await closeStaleSpans(sql, settings.shard);
  if (closed) log(`closed ${closed} connection spans left open by a previous run`);
  const store = new MonitorStore(sql, {
    flushMs: settings.flushMs,
    log,
    onFlushed: options.processAlerts ? createAlertTrigger(sql, options.processAlerts, log) : undefined,
  });
  let classes: VersionClasses | null = null;
  const propagation = new PropagationStore(sql, new PropagationRecorder(), { flushMs: settings.inv?.flushMs ?? 2000, log });
  const monitor = new Monitor({
    chain: options.chain,
    dialer: options.dialer,
    sink: store,
    pingIntervalMs: settings.pingIntervalMs,
    rules: settings.rules,
    propagation: propagation.recorder,
    txSampleThreshold: txSampleThreshold(settings.inv?.txSample ?? 0.25),
    isOutdated: (node) => (classes ? isOutdated({ status: 'up', user_agent: node.userAgent }, classes) : null),
  });
  store.start();
  propagation.start();
  let lastTouch = 0;
  let lastMeasure = 0;
  const startedAt = new Date();
  try {
    while (!signal.aborted) {
      const syncStarted = performance.now();
      try {
        // Expired bans and hides stop applying here too, so a banned node is dropped within one sync.
        await refreshNodeLists(sql);
        classes = await loadVersionClasses(sql);
        const targets = await loadTargets(sql, { shard: settings.shard, networks: options.networks, limit: settings.maxConnections });
        const { added, removed } = monitor.sync(targets);
        const stats = monitor.stats();
        if (added || removed) log(`holding ${stats.held} nodes (+${added} −${removed}): ${stats.connected} connected, ${stats.down} down`);
        await recordMonitorHeartbeat(sql, { shard: settings.shard, startedAt, syncMs: performance.now() - syncStarted, ...stats });
        options.onSync?.(monitor);
        const now = Date.now();
        if (now - lastTouch >= TOUCH_MS) {
          lastTouch = now;
          await touchSpans(sql, monitor.heldIds());
        }
        if (now - lastMeasure >= MEASURE_MS) {
          lastMeasure = now;
          await recomputeMonitorUptime(sql, { now: new Date() });
          await pruneEvents(sql, new Date(now - EVENT_RETENTION_MS));
          await prunePropagation(sql, settings.inv?.keep);
        }
      } catch (error) {
        log(`monitor sync failed: ${(error as Error).message}`);
      }
      await sleep(settings.syncMs, undefined, { signal }).catch(() => {});
    }
  } finally {
    monitor.stop();
    await store.stop();
    await propagation.stop();
    await clearMonitorHeartbeat(sql, settings.shard).catch(() => {});
  }
}
