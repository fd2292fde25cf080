import type { Metadata } from 'next';
import { formatInteger } from '@/lib/dashboard/format';
import { delayHistogram, formatDelay, spreadSummary } from '@/lib/dashboard/propagation';
import { getSql } from '@/lib/db/client';
import { latestBlockSpreads } from '@/lib/propagation/api';
import { BarChart } from '../_components/bar-chart';
import { ScrollTable } from '../_components/scroll-table';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Block propagation' };

const BLOCKS = 6;

export default async function PropagationPage() {
  const spreads = await latestBlockSpreads(getSql(), BLOCKS);
  return (
    <>
      <h1>Block propagation</h1>
      <p className="muted">
        How fast the latest blocks spread: for each block, when each monitored node announced it, as a delay after the first
        announcement (the first 1000 nodes per block). The same data, with a sample of transactions, is at{' '}
        <a href="/api/v1/inv/">/api/v1/inv/</a>.
      </p>
      {spreads.length === 0 ? (
        <p>No block announcements recorded yet: the monitor records them as new blocks arrive.</p>
      ) : (
        <>
          <ScrollTable caption={`The latest ${spreads.length} blocks: nodes that announced each, and the delay by which half, 90% and all of them had`}>
            <thead>
              <tr>
                <th scope="col">Block</th>
                <th scope="col">First seen (UTC)</th>
                <th scope="col" className="num">Nodes</th>
                <th scope="col" className="num">50% within</th>
                <th scope="col" className="num">90% within</th>
                <th scope="col" className="num">Last after</th>
              </tr>
            </thead>
            <tbody>
              {spreads.map((spread) => {
                const summary = spreadSummary(spread.delays);
                return (
                  <tr key={spread.hash}>
                    <th scope="row">
                      <a href={`#block-${spread.hash}`}><code>{`${spread.hash.slice(0, 12)}…${spread.hash.slice(-8)}`}</code></a>
                    </th>
                    <td>{spread.firstSeenAt.toISOString().replace('T', ' ').slice(0, 19)}</td>
                    <td className="num">{formatInteger(summary.nodes)}</td>
                    <td className="num">{formatDelay(summary.median)}</td>
                    <td className="num">{formatDelay(summary.p90)}</td>
                    <td className="num">{formatDelay(summary.max)}</td>
                  </tr>
                );
              })}
            </tbody>
          </ScrollTable>
          {spreads.map((spread, index) => {
            const summary = spreadSummary(spread.delays);
            const bins = delayHistogram(spread.delays);
            const busiest = bins.reduce((best, bin) => (bin.nodes > best.nodes ? bin : best), bins[0]!);
            return (
              <section key={spread.hash} id={`block-${spread.hash}`} aria-labelledby={`block-${index}-heading`}>
                <h2 id={`block-${index}-heading`}>
                  Block <code>{`${spread.hash.slice(0, 12)}…${spread.hash.slice(-8)}`}</code>
                </h2>
                <BarChart
                  id={`block-${index}`}
                  title={`Nodes by announcement delay, block ${spread.hash.slice(0, 12)}…`}
                  bars={bins.map((bin) => ({ label: formatDelay(bin.from), value: bin.nodes }))}
                  max={Math.max(1, busiest.nodes)}
                  summary={`${formatInteger(summary.nodes)} nodes announced it; half within ${formatDelay(summary.median)}, 90% within ${formatDelay(summary.p90)}, the last after ${formatDelay(summary.max)}. Most nodes (${formatInteger(busiest.nodes)}) announced it between ${formatDelay(busiest.from)} and ${formatDelay(busiest.to)}.`}
                />
                <p>
                  <a href={`/api/v1/inv/${spread.hash}/`}>Announcement times of this block (JSON)</a>
                </p>
              </section>
            );
          })}
        </>
      )}
    </>
  );
}
