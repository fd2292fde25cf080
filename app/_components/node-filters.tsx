import { NODE_NETWORKS, SEARCH_MAX_LENGTH, SEARCH_MIN_LENGTH } from '@/lib/api/node-search';
import { NODE_SORTS, TIERS, type NodesQuery } from '@/lib/api/schemas';
import { FILTERABLE_SERVICE_FLAGS } from '@/lib/p2p/service-flags';
import { REACHABILITY_LABELS, VERSION_STATUS_LABELS } from '@/lib/dashboard/labels';

const NETWORK_LABELS: Record<(typeof NODE_NETWORKS)[number], string> = {
  ipv4: 'IPv4',
  ipv6: 'IPv6',
  onion: 'Tor (onion)',
  i2p: 'I2P',
  cjdns: 'CJDNS',
};

const SORT_LABELS: Record<(typeof NODE_SORTS)[number], string> = {
  last_seen: 'Last seen',
  first_seen: 'First seen',
  pix_score: 'PIX score',
  tier: 'Tier',
  uptime_percentage: 'Uptime',
};

/** The disclosure of the less used filters starts open when one of them is set. */
function moreFiltersSet(query: NodesQuery): boolean {
  return (
    query.status !== undefined ||
    query.version_status !== undefined ||
    query.asn !== undefined ||
    query.network !== undefined ||
    (query.services?.length ?? 0) > 0
  );
}

function flagValue(value: boolean | undefined): string {
  return value === undefined ? '' : String(value);
}

/** The nodes list filters: a GET form, so filtering works without JavaScript and every view has a URL. */
export function NodeFilters({ query }: { query: NodesQuery }) {
  return (
    <form className="filters" method="get" action="/nodes" aria-label="Filter nodes">
      <div className="field search-field">
        <label htmlFor="filter-q">Search</label>
        <input id="filter-q" type="search" name="q" defaultValue={query.q ?? ''} minLength={SEARCH_MIN_LENGTH} maxLength={SEARCH_MAX_LENGTH} autoComplete="off" aria-describedby="filter-q-hint" />
        <span className="hint" id="filter-q-hint">Address, user agent, hostname or organisation ({SEARCH_MIN_LENGTH}+ characters)</span>
      </div>
      <div className="field">
        <label htmlFor="filter-country">Country code</label>
        <input id="filter-country" name="country" defaultValue={query.country ?? ''} maxLength={2} pattern="[A-Za-z]{2}" autoComplete="off" aria-describedby="filter-country-hint" />
        <span className="hint" id="filter-country-hint">Two letters, e.g. DE</span>
      </div>
      <label>
        Tier
        <select name="tier" defaultValue={query.tier ?? ''}>
          <option value="">Any</option>
          {TIERS.map((tier) => (
            <option key={tier} value={tier}>{tier[0]!.toUpperCase() + tier.slice(1)}</option>
          ))}
        </select>
      </label>
      <div className="field">
        <label htmlFor="filter-version">Version</label>
        <input id="filter-version" name="version" defaultValue={query.version ?? ''} maxLength={100} autoComplete="off" aria-describedby="filter-version-hint" />
        <span className="hint" id="filter-version-hint">e.g. Satoshi:27 or 70016</span>
      </div>
      <label>
        Verified
        <select name="verified" defaultValue={flagValue(query.verified)}>
          <option value="">Any</option>
          <option value="true">Verified</option>
          <option value="false">Not verified</option>
        </select>
      </label>
      <label>
        Status
        <select name="online" defaultValue={flagValue(query.online)}>
          <option value="">Any</option>
          <option value="true">Online</option>
          <option value="false">Offline or unknown</option>
        </select>
      </label>
      <label>
        Sort by
        <select name="sort" defaultValue={query.sort}>
          {NODE_SORTS.map((sort) => (
            <option key={sort} value={sort}>{SORT_LABELS[sort]}</option>
          ))}
        </select>
      </label>
      <label>
        Order
        <select name="order" defaultValue={query.order}>
          <option value="desc">Descending</option>
          <option value="asc">Ascending</option>
        </select>
      </label>
      <details className="more-filters" open={moreFiltersSet(query)}>
        <summary>Reachability, version class, network, ASN and service filters</summary>
        <div className="more-filters-body">
          <label>
            Reachability
            <select name="status" defaultValue={query.status ?? ''}>
              <option value="">Any</option>
              {(Object.keys(REACHABILITY_LABELS) as (keyof typeof REACHABILITY_LABELS)[]).map((state) => (
                <option key={state} value={state}>{state === 'reachable' ? 'Reachable (TCP only)' : state === 'unknown' ? 'Never probed' : REACHABILITY_LABELS[state]}</option>
              ))}
            </select>
          </label>
          <label>
            Version class
            <select name="version_status" defaultValue={query.version_status ?? ''}>
              <option value="">Any</option>
              {(Object.keys(VERSION_STATUS_LABELS) as (keyof typeof VERSION_STATUS_LABELS)[]).map((status) => (
                <option key={status} value={status}>{VERSION_STATUS_LABELS[status]}</option>
              ))}
            </select>
          </label>
          <div className="field">
            <label htmlFor="filter-asn">ASN</label>
            <input id="filter-asn" name="asn" defaultValue={query.asn === undefined ? '' : `AS${query.asn}`} maxLength={12} pattern="(?:[Aa][Ss])?[0-9]{1,10}" autoComplete="off" aria-describedby="filter-asn-hint" />
            <span className="hint" id="filter-asn-hint">e.g. AS13335</span>
          </div>
          <label>
            Network
            <select name="network" defaultValue={query.network ?? ''}>
              <option value="">Any</option>
              {NODE_NETWORKS.map((network) => (
                <option key={network} value={network}>{NETWORK_LABELS[network]}</option>
              ))}
            </select>
          </label>
          <fieldset className="service-flags">
            <legend>Services (all required)</legend>
            {FILTERABLE_SERVICE_FLAGS.map((flag) => (
              <label key={flag}>
                <input type="checkbox" name="services" value={flag} defaultChecked={query.services?.includes(flag) ?? false} />
                {flag}
              </label>
            ))}
          </fieldset>
        </div>
      </details>
      <button type="submit">Apply</button>
      <a className="reset" href="/nodes">Reset</a>
    </form>
  );
}
