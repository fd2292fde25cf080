/**
 * Alerts within seconds of their event: after the monitor writes a batch
 * holding an up/down/version/tier event, the existing alert processor
 * (lib/alerts/processor, the same entry point as POST /api/alerts/process and
 * the crawler's after-pass hook) runs. Runs never overlap; events arriving
 * during a run cause one more run right after it. Cooldowns and idempotency
 * stay the processor's.
 */
import type { Sql } from '../db/client';
import type { EventType, NewNodeEvent } from './types';

export const ALERTING_EVENT_TYPES: ReadonlySet<EventType> = new Set(['node_up', 'node_down', 'version_changed', 'tier_changed']);

export function createAlertTrigger(
  sql: Sql,
  processAlerts: (sql: Sql, options: { now: Date }) => Promise<unknown>,
  log: (message: string) => void = () => {},
): (events: readonly NewNodeEvent[]) => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = processAlerts(sql, { now: new Date() })
      .then(
        () => undefined,
        (error: Error) => log(`alerts: ${error.message}`),
      )
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          void run();
        }
      });
    return running;
  };
  return (events) => (events.some((event) => ALERTING_EVENT_TYPES.has(event.type)) ? run() : Promise.resolve());
}
