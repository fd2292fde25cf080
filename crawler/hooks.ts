import { processAlerts } from '@/lib/alerts/processor';
import { activeChain } from '@/lib/chains';
import { computePeerIndexIfDue } from '@/lib/peer-index/job';
import type { PassHook } from './pass';

/** Work run after each crawl pass: alert processing sees the statuses the pass just wrote; the daily Peer Index. */
export function afterPassHooks(): PassHook[] {
  return [
    { name: 'alerts', run: (sql, { now }) => processAlerts(sql, { now }) },
    // Bitnodes' Peer Index: once a day (the last computation > 24 h old), advisory-locked.
    { name: 'peer-index', run: (sql, { now }) => computePeerIndexIfDue(sql, { defaultPort: activeChain().defaultPort, now }) },
  ];
}
