import type { Metadata } from 'next';
import { statsQuerySchema } from '@/lib/api/schemas';
import { getStats } from '@/lib/api/stats';
import { formatDecimal, formatInteger, formatPercent } from '@/lib/dashboard/format';
import { hrefWith, parseSearchParams, type RawSearchParams } from '@/lib/dashboard/search-params';
import { getSql } from '@/lib/db/client';
import { DistributionTable } from '../_components/distribution-table';
import { InputError } from '../_components/input-error';
import { LineChart } from '../_components/line-chart';
import { StatsBreakdownTables } from './breakdown-tables';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Statistics' };

const RANGES = [1, 7, 30, 90];

function range(values: (number | null)[]): string {
  const known = values.filter((v): v is number => v !== null);
  if (!known.length) return 'no data';
  return `from ${formatDecimal(Math.min(...known))} to ${formatDecimal(Math.max(...known))}, latest ${formatDecimal(known[known.length - 1])}`;
}

export default async function StatsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const parsed = parseSearchParams(statsQuerySchema, await searchParams);
  if (!parsed.ok) {
    return (
      <>
        <h1>Statistics</h1>
        <InputError issues={parsed.issues} resetHref="/stats" />
      </>
    );
  }
  const { days } = parsed.data;
  const stats = await getStats(getSql(), { days });
  const history = stats.historical_data;
  const at = (row: (typeof history)[number]) => row.timestamp * 1000;
  return (
    <>
      <h1>Statistics</h1>
      <dl className="stats">
        <div className="stat"><dt>Online nodes</dt><dd>{formatInteger(stats.available_nodes)}</dd></div>
        <div className="stat"><dt>Health score</dt><dd>{formatDecimal(stats.network_health.health_score)}</dd></div>
        <div className="stat"><dt>Average uptime</dt><dd>{formatPercent(stats.network_health.average_uptime)}</dd></div>
        <div className="stat"><dt>Average latency</dt><dd>{formatDecimal(stats.network_health.average_latency, ' ms')}</dd></div>
      </dl>
      <div className="section-head">
        <h2>History</h2>
        <nav aria-label="History range" className="pagination">
          {RANGES.map((range) => (
            <a key={range} href={hrefWith('/stats', { days: range === 7 ? undefined : range })} aria-current={range === days ? 'page' : undefined}>
              {range === 1 ? '24 hours' : `${range} days`}
            </a>
          ))}
        </nav>
      </div>
      {history.length === 0 ? (
        <p className="muted">No crawl snapshots in this range yet.</p>
      ) : (
        <div className="grid-2">
          <LineChart
            id="history-nodes"
            title={`Nodes over the last ${days === 1 ? '24 hours' : `${days} days`}`}
            series={[
              { label: 'Known', points: history.map((row) => ({ x: at(row), y: row.total_nodes })) },
              { label: 'Online', points: history.map((row) => ({ x: at(row), y: row.available_nodes })) },
            ]}
            summary={`${history.length} snapshots. Online nodes ${range(history.map((row) => row.available_nodes))}.`}
          />
          <LineChart
            id="history-uptime"
            title="Average uptime of online nodes"
            unit=" %"
            series={[{ label: 'Uptime', points: history.map((row) => ({ x: at(row), y: row.average_uptime })) }]}
            summary={`Percent, ${range(history.map((row) => row.average_uptime))}.`}
          />
        </div>
      )}
      <h2>Distributions of online nodes</h2>
      <div className="grid-2">
        <DistributionTable caption="Versions (user agents)" keyHeader="User agent" counts={stats.versions}
          hrefFor={(key) => (key === 'unknown' ? null : hrefWith('/nodes', { version: key, online: 'true' }))} />
        <div>
          <DistributionTable caption="Tiers" keyHeader="Tier" counts={stats.tiers_distribution} top={6}
            labelFor={(key) => key[0]!.toUpperCase() + key.slice(1)}
            hrefFor={(key) => (key === 'unknown' ? null : hrefWith('/nodes', { tier: key, online: 'true' }))} />
          <br />
          <DistributionTable caption="Countries" keyHeader="Country" counts={Object.fromEntries(Object.entries(stats.countries_distribution).map(([code, entry]) => [code, entry.count]))} top={10}
            labelFor={(code) => stats.countries_distribution[code]?.name ?? code}
            hrefFor={(key) => (key === 'unknown' ? null : hrefWith('/nodes', { country: key, online: 'true' }))} />
          <p><a href="/countries">All countries</a></p>
        </div>
      </div>
      <StatsBreakdownTables stats={stats} />
    </>
  );
}
