import type { Metadata } from 'next';
import { getLeaderboard } from '@/lib/api/leaderboard';
import { getStats } from '@/lib/api/stats';
import { getSnapshotNodeClusters } from '@/lib/dashboard/map-clusters';
import { liveProfilesByAddress } from '@/lib/profiles/service';
import { formatDecimal, formatInteger, formatPercent, formatUnix } from '@/lib/dashboard/format';
import { getSql } from '@/lib/db/client';
import { listEvents } from '@/lib/events/query';
import { LiveEventFeed } from './_components/live-event-feed';
import { CrawlerBanner } from './_components/crawler-banner';
import { NodeTable } from './_components/node-table';
import { WorldMap } from './_components/world-map';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Network overview' };

export default async function HomePage() {
  const sql = getSql();
  const [stats, clusters, leaders, recent] = await Promise.all([
    getStats(sql, { days: 1 }),
    getSnapshotNodeClusters(sql),
    getLeaderboard(sql, { page: 1, limit: 10 }),
    listEvents(sql, { limit: 10 }),
  ]);
  const operators = await liveProfilesByAddress(sql, leaders.nodes.map((node) => node.address));
  const health = stats.network_health;
  const lastSnapshot = stats.historical_data.at(-1)?.timestamp ?? null;
  const items: [string, string][] = [
    ['Reachable nodes', formatInteger(stats.available_nodes)],
    ['Known addresses', formatInteger(stats.total_nodes)],
    ['Countries', formatInteger(stats.countries)],
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
        {`Health score ${formatDecimal(health.health_score)} / 100 · average uptime ${formatPercent(health.average_uptime)} · average latency ${formatDecimal(health.average_latency, ' ms')} · ${formatInteger(health.verified_nodes)} verified nodes. `}
        {lastSnapshot
          ? `Last crawl snapshot: ${formatUnix(lastSnapshot)}.`
          : 'No crawl has completed yet. The crawler fills this in after its first pass.'}
      </p>
      <h2 id="map-heading">Where the nodes are</h2>
      {clusters.length ? <WorldMap clusters={clusters} /> : <p className="muted">No online node has a known location yet.</p>}
      <div className="section-head">
        <h2>Top nodes</h2>
        <a href="/leaderboard">Full leaderboard</a>
      </div>
      <NodeTable caption="The 10 best-ranked online nodes" nodes={leaders.nodes.map((node) => ({ address: node.address, node }))} showRank operators={operators} />
      <div className="section-head">
        <h2>Live events</h2>
        <a href="/events">All events</a>
      </div>
      <LiveEventFeed initial={recent.events} limit={10} caption="What the monitor saw last" />
    </>
  );
}
