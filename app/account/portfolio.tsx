'use client';

import { formatDuration } from '@/lib/dashboard/format';
import { incidentsQuery, nodeListQuery, type PortfolioQuery } from '@/lib/dashboard/portfolio-query';
import { hrefWith } from '@/lib/dashboard/search-params';
import { Pagination } from '../_components/pagination';
import { ListTable } from './account-ui';
import { SignedIn } from './signed-in';
import { useApi } from './use-api';

/**
 * The "my nodes" portfolio on /account (issue 15): the node list's filters, the paged
 * downtimes and exceptions of all my nodes, and CSV downloads of both. Everything is
 * URL-driven (GET forms and links); the API validates the values and says what is wrong.
 */

const TIER_OPTIONS = ['diamond', 'gold', 'silver', 'bronze', 'standard', 'none'];

/** Filters of the node list (status, tier, label) and its CSV download. */
export function MyNodesFilters({ query }: { query: PortfolioQuery }) {
  const keep = { irows: query.irows, itype: query.itype, istatus: query.istatus };
  return (
    <details className="portfolio-filters" open={Boolean(query.status || query.tier || query.label)}>
    <summary>Filter and download my nodes</summary>
    <form className="filters" method="get" action="/account" aria-label="Filter my nodes">
      {Object.entries(keep).map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
      <label>
        Status
        <select name="status" defaultValue={query.status ?? ''}>
          <option value="">Any</option>
          <option value="up">Online</option>
          <option value="down">Offline</option>
          <option value="unknown">Unknown</option>
        </select>
      </label>
      <label>
        Tier
        <select name="tier" defaultValue={query.tier ?? ''}>
          <option value="">Any</option>
          {TIER_OPTIONS.map((tier) => (
            <option key={tier} value={tier}>{tier === 'none' ? 'No tier yet' : tier[0]!.toUpperCase() + tier.slice(1)}</option>
          ))}
        </select>
      </label>
      <div className="field">
        <label htmlFor="my-nodes-label">Label contains</label>
        <input id="my-nodes-label" name="label" defaultValue={query.label ?? ''} maxLength={80} autoComplete="off" />
      </div>
      <button type="submit">Apply</button>
      <a className="reset" href="/account">Reset</a>
      <a className="reset" href={hrefWith('/api/my-nodes', { ...nodeListQuery(query), format: 'csv' })} download>Download CSV</a>
    </form>
    </details>
  );
}

interface Incident {
  id: string; type: 'downtime' | 'exception'; kind: string; nid: string; address: string; label: string | null;
  start: string; end: string | null; duration: number; open: boolean;
}
interface IncidentPage { page: number; total: number; rowsperpage: number; records: number; rows: Incident[] }

const KIND_LABELS: Record<string, string> = {
  offline: 'Offline', not_accepting_connections: 'Not accepting connections', behind_tip: 'Behind the tip',
  outdated: 'Outdated', high_latency: 'High latency', flapping: 'Flapping',
};

const when = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—');

/** Downtimes and exceptions of all my nodes, newest first, paged, with filters and a CSV download. */
export function MyIncidents({ query }: { query: PortfolioQuery }) {
  const incidents = useApi<IncidentPage>(hrefWith('/api/my-nodes/incidents', incidentsQuery(query)));
  const pagerQuery = { ...nodeListQuery(query), irows: query.irows, itype: query.itype, istatus: query.istatus };
  return (
    <section aria-labelledby="incidents-heading">
      <h2 id="incidents-heading">Downtimes and exceptions</h2>
      <form className="filters" method="get" action="/account" aria-label="Filter downtimes and exceptions">
        {Object.entries(nodeListQuery(query)).map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
        <label>
          Type
          <select name="itype" defaultValue={query.itype ?? ''}>
            <option value="">Both</option>
            <option value="downtime">Downtimes</option>
            <option value="exception">Exceptions</option>
          </select>
        </label>
        <label>
          State
          <select name="istatus" defaultValue={query.istatus ?? ''}>
            <option value="">Open and closed</option>
            <option value="open">Open</option>
            <option value="closed">Closed</option>
          </select>
        </label>
        <label>
          Rows per page
          <select name="irows" defaultValue={query.irows ?? '20'}>
            {['10', '20', '50', '100'].map((rows) => <option key={rows} value={rows}>{rows}</option>)}
          </select>
        </label>
        <button type="submit">Apply</button>
        <a className="reset" href={hrefWith('/api/my-nodes/incidents', { ...incidentsQuery(query), page: undefined, rows: undefined, format: 'csv' })} download>Download CSV</a>
      </form>
      {/* Not SignedIn's role=status "Loading…": the page's one status region belongs to the register form. */}
      {incidents.result === null ? <p className="muted">Loading downtimes and exceptions…</p> : (
      <SignedIn result={incidents.result} retry={incidents.reload}>
        {(page) => (
          <>
            {page.total > 1 && (
              <Pagination path="/account" query={pagerQuery} page={page.page} totalPages={page.total} totalItems={page.records} pageParam="ipage" label="Incidents pagination (top)" />
            )}
            <ListTable caption={`Downtimes and exceptions of my nodes, page ${page.page} of ${Math.max(page.total, 1)}`}
              columns={['Node', 'Label', 'Type', 'What', 'Started', 'Ended', { label: 'Duration', numeric: true }]}
              empty="No downtimes or exceptions." isEmpty={page.rows.length === 0}>
              {page.rows.map((row) => (
                <tr key={row.id}>
                  <th scope="row"><a href={`/nodes/${row.nid}`} className="mono">{row.address}</a></th>
                  <td>{row.label ?? '—'}</td>
                  <td>{row.type === 'downtime' ? 'Downtime' : 'Exception'}</td>
                  <td>{KIND_LABELS[row.kind] ?? row.kind}</td>
                  <td>{when(row.start)}</td>
                  <td>{row.open ? 'Still open' : when(row.end)}</td>
                  <td className="num">{formatDuration(Math.round(row.duration / 1000))}</td>
                </tr>
              ))}
            </ListTable>
            {page.total > 1 && (
              <Pagination path="/account" query={pagerQuery} page={page.page} totalPages={page.total} totalItems={page.records} pageParam="ipage" />
            )}
          </>
        )}
      </SignedIn>
      )}
    </section>
  );
}
