import { latestCrawlRun, seedsAllFailed } from '@/lib/crawler/runs';
import { formatInteger } from '@/lib/dashboard/format';
import type { Sql } from '@/lib/db/client';

/**
 * A banner when the crawler's latest pass could not resolve any DNS seed: without seeds the crawler cannot find
 * the network (usually: no Internet), so the dashboard stays empty. Points to `npm run demo`. Renders nothing
 * otherwise, and nothing when the runs table cannot be read.
 */
export async function CrawlerBanner({ sql }: { sql: Sql }) {
  const run = await latestCrawlRun(sql).catch(() => null);
  if (!run || !seedsAllFailed(run)) return null;
  const when = run.finished_at.toISOString().replace('T', ' ').slice(0, 16);
  const stillReaching = run.dialed_ok > 0;
  return (
    <div className="notice error" role="status" data-testid="crawler-offline-banner">
      <h2>{stillReaching ? 'DNS seeds are not answering' : 'The crawler cannot reach the network'}</h2>
      <p>
        {`In its last pass (${when} UTC) none of the ${formatInteger(run.dns_seeds)} DNS seeds could be resolved`}
        {stillReaching
          ? `; it still reached ${formatInteger(run.dialed_ok)} nodes it already knew, but finds no new ones.`
          : ', so it has no address to start from. Is this machine offline?'}
      </p>
      <p>
        No Internet, or just looking around? Stop <code>npm start</code> and run <code>npm run demo</code>: it crawls a
        simulated network on this machine, so every page has data.
      </p>
    </div>
  );
}
