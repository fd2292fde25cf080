import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getNodeChecks, getNodeDowntimes } from '@/lib/api/history';
import { getNodeDetail } from '@/lib/api/nodes';
import { downtimesQuerySchema, nodeParamsSchema } from '@/lib/api/schemas';
import { latencySeries, uptimeByDay } from '@/lib/dashboard/check-series';
import { formatDay, formatDecimal, formatDuration, formatInteger, formatPercent, formatUnix } from '@/lib/dashboard/format';
import { parseSearchParams, type RawSearchParams } from '@/lib/dashboard/search-params';
import { getSql } from '@/lib/db/client';
import { StatusBadge, TierBadge, VersionBadge } from '../../_components/badges';
import type { VersionClasses, VersionStatus } from '@/lib/versions/classes';
import { loadVersionClassesForRequest } from '@/lib/versions/store';
import { liveProfile } from '@/lib/profiles/service';
import { BarChart } from '../../_components/bar-chart';
import { InputError } from '../../_components/input-error';
import { LineChart } from '../../_components/line-chart';
import { ScrollTable } from '../../_components/scroll-table';
import { LiveNodePanel } from '../../_components/live-node-panel';
import { Pagination } from '../../_components/pagination';
import { ServiceFlagList } from '../../_components/service-flags';
import { ConnectionPanel } from './connection-panel';
import { OperatorProfileCard } from '../../_components/operator-profile';

export const dynamic = 'force-dynamic';

const HISTORY_DAYS = 7;

type Props = { params: Promise<{ id: string }>; searchParams: Promise<RawSearchParams> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: `Node ${decodeURIComponent(id)}` };
}

const REACHABILITY_TEXT = {
  up: 'Completes the handshake',
  reachable: 'Accepts TCP connections but did not complete the handshake at the last check',
  down: 'Refused or did not answer the TCP connection at the last check',
  unknown: 'Not probed yet',
} as const;

/** The node's version class with the thresholds that made it. */
function VersionClass({ status, classes }: { status: VersionStatus; classes: VersionClasses }) {
  if (status === 'unknown') {
    return <>{classes.client ? `Unknown (only ${classes.client} versions are classed)` : 'Unknown'}</>;
  }
  const limits = [
    classes.current && `current ${classes.current}`,
    classes.minimum && `minimum ${classes.minimum}`,
    classes.critical && `critical below ${classes.critical}`,
  ].filter(Boolean).join(', ');
  return (
    <>
      <VersionBadge status={status} /> <span className="muted">{`${classes.client}: ${limits}`}</span>
    </>
  );
}

export default async function NodePage({ params, searchParams }: Props) {
  const rawParams = await params;
  const { id } = rawParams;
  const ref = nodeParamsSchema.safeParse(rawParams);
  if (!ref.success) {
    return (
      <>
        <h1>Malformed node address</h1>
        <div className="notice error" role="alert">
          <p>{`“${decodeURIComponent(id)}” is not a node id. ${ref.error.issues[0]?.message ?? ''}.`}</p>
          <p><a href="/nodes">Browse the nodes list</a></p>
        </div>
      </>
    );
  }
  const downtimeQuery = parseSearchParams(downtimesQuerySchema, await searchParams);
  const sql = getSql();
  const node = await getNodeDetail(sql, ref.data.id);
  if (!node) notFound();

  const now = Math.floor(Date.now() / 1000);
  const nodeKey = { id: String(node.id), address: node.address };
  const [checks, downtimes, classes, operator] = await Promise.all([
    getNodeChecks(sql, nodeKey, { from: now - HISTORY_DAYS * 86_400, to: now, page: 1, limit: 1000 }),
    downtimeQuery.ok ? getNodeDowntimes(sql, String(node.id), downtimeQuery.data) : null,
    loadVersionClassesForRequest(sql),
    liveProfile(sql, String(node.id)),
  ]);
  const daily = uptimeByDay(checks.checks);
  const latency = latencySeries(checks.checks);
  const latencies = latency.map((p) => p.y).filter((y): y is number => y !== null);
  const fields: [string, React.ReactNode][] = [
    ['Status', <StatusBadge key="s" status={node.status} />],
    ['Reachability', REACHABILITY_TEXT[node.status]],
    ['Tier', <TierBadge key="t" tier={node.tier} />],
    ['Rank', formatInteger(node.rank)],
    ['PIX score', formatDecimal(node.pix_score)],
    ['Uptime', formatPercent(node.uptime_percentage)],
    ['Reliability', formatPercent(node.reliability)],
    ['Latency', formatDecimal(node.latency_ms, ' ms')],
    ['User agent', node.user_agent ?? '—'],
    ['Version class', <VersionClass key="v" status={node.version_status} classes={classes} />],
    ['Protocol version', node.protocol_version === null ? '—' : String(node.protocol_version)],
    ['Services', <ServiceFlagList key="services" services={node.services} />],
    ['Block height', formatInteger(node.height)],
    ['Network', node.network],
    ['Hostname', node.hostname ?? '—'],
    ['Country', node.country ? `${node.country_name ?? node.country} (${node.country})` : '—'],
    ['City', node.city ?? '—'],
    ['Coordinates', node.latitude === null || node.longitude === null ? '—' : `${node.latitude.toFixed(2)}, ${node.longitude.toFixed(2)}`],
    ['Time zone', node.timezone ?? '—'],
    ['ASN', node.asn ?? '—'],
    ['Organization', node.organization_name ?? '—'],
    ['ISP', node.isp ?? '—'],
    ['Connected since', formatUnix(node.connected_since)],
    ['First seen', formatUnix(node.first_seen)],
    ['Last seen', formatUnix(node.last_seen)],
    ['Verified owner', node.is_verified ? 'Yes' : 'No'],
    ['Tips enabled', node.tips_enabled ? 'Yes' : 'No'],
    ['Node id', String(node.id)],
  ];
  // The same pager above and below the downtimes table.
  const downtimePager = (label: string) =>
    downtimes && downtimes.total > 1 ? (
      <Pagination
        path={`/nodes/${encodeURIComponent(id)}`}
        query={{ rowsperpage: downtimes.rowsperpage === 20 ? undefined : downtimes.rowsperpage }}
        page={downtimes.page}
        totalPages={downtimes.total}
        totalItems={downtimes.records}
        label={label}
      />
    ) : null;
  return (
    <>
      <h1>
        <span className="mono">{node.address}</span>
      </h1>
      {operator && <OperatorProfileCard profile={operator} />}
      <LiveNodePanel
        nodeId={String(node.id)}
        initial={{ status: node.status, latency_ms: node.latency_ms, height: node.height, connected_since: node.connected_since, exceptions: node.exceptions }}
      />
      <p><a href={`/events?node=${node.id}`}>Events of this node</a></p>
      <section aria-labelledby="details-heading">
        <h2 id="details-heading" className="visually-hidden">Details</h2>
        <dl className="details">
          {fields.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <ConnectionPanel connection={node.connection} />
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">Last {HISTORY_DAYS} days</h2>
        {checks.checks.length === 0 ? (
          <p className="muted">No probes of this node recorded in the last {HISTORY_DAYS} days.</p>
        ) : (
          <div className="grid-2">
            <BarChart
              id="uptime-chart"
              title="Uptime per day"
              unit="%"
              max={100}
              bars={daily.map((day) => ({ label: formatDay(day.day), value: day.uptime }))}
              summary={`Share of successful probes per UTC day: ${daily.map((day) => `${formatDay(day.day)} ${formatPercent(day.uptime)}`).join(', ')}.`}
            />
            <LineChart
              id="latency-chart"
              title="Latency per probe"
              unit=" ms"
              series={[{ label: 'Latency', points: latency }]}
              summary={
                latencies.length
                  ? `${latencies.length} successful probes; from ${formatDecimal(Math.min(...latencies))} to ${formatDecimal(Math.max(...latencies))} ms, median ${formatDecimal([...latencies].sort((a, b) => a - b)[Math.floor(latencies.length / 2)])} ms. Gaps are failed probes.`
                  : 'No successful probe in this period.'
              }
            />
          </div>
        )}
      </section>
      <section aria-labelledby="downtimes-heading">
        <h2 id="downtimes-heading">Downtimes</h2>
        {!downtimeQuery.ok || !downtimes ? (
          <InputError issues={downtimeQuery.ok ? [] : downtimeQuery.issues} resetHref={`/nodes/${encodeURIComponent(id)}`} />
        ) : (
          <>
            {downtimePager('Downtime pages (top)')}
            <ScrollTable caption={`Periods this node was unreachable, newest first (${formatInteger(downtimes.records)} in all)`}>
                <thead>
                  <tr>
                    <th scope="col">Went down</th>
                    <th scope="col">Came back</th>
                    <th scope="col" className="num">Duration</th>
                  </tr>
                </thead>
                <tbody>
                  {downtimes.rows.length === 0 && (
                    <tr>
                      <td colSpan={3} className="muted">No downtime recorded.</td>
                    </tr>
                  )}
                  {downtimes.rows.map((row) => (
                    <tr key={row.start}>
                      <td>{formatUnix(row.start)}</td>
                      <td>{row.end === null ? <strong>Still down</strong> : formatUnix(row.end)}</td>
                      <td className="num">{formatDuration(row.duration)}</td>
                    </tr>
                  ))}
                </tbody>
            </ScrollTable>
            {downtimePager('Downtime pages')}
          </>
        )}
      </section>
    </>
  );
}
