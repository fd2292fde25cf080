import { processAlerts } from '@/lib/alerts/processor';
import type { PassHook } from './pass';

/** Work run after each crawl pass: alert processing sees the statuses the pass just wrote. */
export function afterPassHooks(): PassHook[] {
  return [{ name: 'alerts', run: (sql, { now }) => processAlerts(sql, { now }) }];
}
