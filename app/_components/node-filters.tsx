import { NODE_SORTS, TIERS, type NodesQuery } from '@/lib/api/schemas';
import { REACHABILITY_LABELS, VERSION_STATUS_LABELS } from '@/lib/dashboard/labels';

const SORT_LABELS: Record<(typeof NODE_SORTS)[number], string> = {
  last_seen: 'Last seen',
  first_seen: 'First seen',
  pix_score: 'PIX score',
  tier: 'Tier',
  uptime_percentage: 'Uptime',
};

function flagValue(value: boolean | undefined): string {
  return value === undefined ? '' : String(value);
}

/** The nodes list filters: a GET form, so filtering works without JavaScript and every view has a URL. */
export function NodeFilters({ query }: { query: NodesQuery }) {
  return (
    <form className="filters" method="get" action="/nodes" aria-label="Filter nodes">
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
      <button type="submit">Apply</button>
      <a className="reset" href="/nodes">Reset</a>
    </form>
  );
}
