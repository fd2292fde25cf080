/** Progress lines of a long crawl pass (for a terminal) and the one-line summary of a finished one (for logs). */
import type { CrawlProgress } from '@/lib/p2p/crawl';
import type { CrawlPassSummary } from './pass';

function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** "dialed 1200 (800 up, 400 failed), 95/s, 300 waiting, ETA 4s". The ETA assumes the current rate and the addresses known now. */
export function formatProgress(progress: CrawlProgress): string {
  const rate = progress.elapsedMs > 0 ? progress.dialed / (progress.elapsedMs / 1000) : 0;
  const left = progress.queued + progress.running;
  const eta = rate > 0 ? duration((left / rate) * 1000) : '?';
  return `dialed ${progress.dialed} (${progress.ok} up, ${progress.failed} failed), ${rate.toFixed(0)}/s, ${left} waiting, ETA ${eta}`;
}

export function describePass(summary: CrawlPassSummary): string {
  const { crawl } = summary;
  const seconds = summary.durationMs / 1000;
  if (summary.snapshotId === null) return `pass done in ${seconds.toFixed(1)}s: nothing was due for a probe`;
  const rate = seconds > 0 ? crawl.dialed / seconds : 0;
  return (
    `pass done in ${seconds.toFixed(1)}s: dialed ${crawl.dialed} (${crawl.ok} up, ${crawl.failed} failed, ${rate.toFixed(0)}/s), ` +
    `${crawl.learned} addresses seen, ${crawl.refused} refused by the address policy, ${summary.onlineNodes ?? 0} online` +
    (summary.prunedNodes ? `, ${summary.prunedNodes} never-reached addresses pruned` : '') +
    (summary.retention && (summary.retention.snapshotsSlimmed || summary.prunedChecks || summary.retention.eventsDeleted)
      ? `, retention: ${summary.retention.snapshotsSlimmed} snapshot maps dropped, ${summary.prunedChecks} checks and ${summary.retention.eventsDeleted} events pruned` +
        (summary.retention.stopped === 'done' ? '' : ` (${summary.retention.stopped === 'budget' ? 'more after the next pass' : 'another shard is pruning'})`)
      : '') +
    (summary.hookErrors.length ? `; hook errors: ${summary.hookErrors.join('; ')}` : '')
  );
}

/** What to say when every DNS seed failed: the crawl has nowhere to start. */
export const NO_DNS_SEEDS_MESSAGE =
  'every DNS seed failed to resolve (no network or DNS?): nothing to crawl. Check the connection, set seeds in CRAWLER_CONFIG, ' +
  'or run `npm run demo` to explore a simulated network.';
