import { getSql } from '@/lib/db/client';
import { getNetworkSummary } from '@/lib/network/summary';

export const dynamic = 'force-dynamic';

const numberFormat = new Intl.NumberFormat('en');

export default async function HomePage() {
  const summary = await getNetworkSummary(getSql());
  const items: [string, string][] = [
    ['Reachable nodes', numberFormat.format(summary.onlineNodes)],
    ['Known addresses', numberFormat.format(summary.totalNodes)],
    ['Countries', numberFormat.format(summary.countries)],
    ['Latest block height', summary.latestHeight === null ? '—' : numberFormat.format(summary.latestHeight)],
  ];
  return (
    <>
      <h1>Network overview</h1>
      <dl className="stats">
        {items.map(([label, value]) => (
          <div className="stat" key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">
        {summary.lastSnapshotAt
          ? `Last crawl snapshot: ${summary.lastSnapshotAt.toISOString()}`
          : 'No crawl has completed yet. The crawler fills this in after its first pass.'}
      </p>
    </>
  );
}
