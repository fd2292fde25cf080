import type { Metadata } from 'next';
import { getLeaderboard } from '@/lib/api/leaderboard';
import { getStats } from '@/lib/api/stats';
import { getNodeClusters } from '@/lib/dashboard/map-clusters';
import { formatDecimal, formatInteger, formatPercent, formatUnix } from '@/lib/dashboard/format';
import { getSql } from '@/lib/db/client';
import { CrawlerBanner } from './_components/crawler-banner';
import { NodeTable } from './_components/node-table';
import { WorldMap } from './_components/world-map';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Network overview' };

export default async function HomePage() {
  const sql = getSql();
  const [stats, clusters, leaders] = await Promise.all([
    getStats(sql, { days: 1 }),
    getNodeClusters(sql),
    getLeaderboard(sql, { page: 1, limit: 10 }),
  ]);
  const health = stats.network_health;
  const items: [string, string][] = [
    ['Reachable nodes', formatInteger(stats.online_nodes)],
    ['Known addresses', formatInteger(stats.total_nodes)],
    ['Countries', formatInteger(health.countries)],
    ['Latest block height', formatInteger(stats.latest_height)],
  ];
  return (
    <>
      <h1>Network overview</h1>
      <CrawlerBanner sql={sql} />
      <dl className="stats">
        {items.map(([label, value]) => (
          <div className="stat" key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">
        {`Online share ${formatPercent(health.online_percentage)} · average uptime ${formatPercent(health.average_uptime_percentage)} · average latency ${formatDecimal(health.average_latency_ms, ' ms')} · average PIX score ${formatDecimal(health.average_pix_score)}. `}
        {health.last_snapshot
          ? `Last crawl snapshot: ${formatUnix(health.last_snapshot)}.`
          : 'No crawl has completed yet. The crawler fills this in after its first pass.'}
      </p>
      <h2 id="map-heading">Where the nodes are</h2>
      {clusters.length ? <WorldMap clusters={clusters} /> : <p className="muted">No online node has a known location yet.</p>}
      <div className="section-head">
        <h2>Top nodes</h2>
        <a href="/leaderboard">Full leaderboard</a>
      </div>
      <NodeTable caption="The 10 best-ranked online nodes" nodes={leaders.nodes.map((node) => ({ address: node.address, node }))} showRank />
    </>
  );
}
