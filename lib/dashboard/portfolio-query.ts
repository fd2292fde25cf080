import type { RawSearchParams } from './search-params';

/**
 * The /account page's query, split into what /api/my-nodes (status, tier, label) and
 * /api/my-nodes/incidents (ipage, irows, itype, istatus → page, rows, type, status) read.
 * Values pass through untouched (the API validates them and names a bad one).
 */
export interface PortfolioQuery {
  status?: string;
  tier?: string;
  label?: string;
  ipage?: string;
  irows?: string;
  itype?: string;
  istatus?: string;
}

export const PORTFOLIO_KEYS = ['status', 'tier', 'label', 'ipage', 'irows', 'itype', 'istatus'] as const;

/** First value of each known key, trimmed, at most 200 characters; everything else is dropped. */
export function portfolioQuery(raw: RawSearchParams): PortfolioQuery {
  const query: PortfolioQuery = {};
  for (const key of PORTFOLIO_KEYS) {
    const value = raw[key];
    const first = (Array.isArray(value) ? value[0] : value)?.trim();
    if (first) query[key] = first.slice(0, 200);
  }
  return query;
}

export function nodeListQuery(query: PortfolioQuery) {
  return { status: query.status, tier: query.tier, label: query.label };
}

export function incidentsQuery(query: PortfolioQuery) {
  return { page: query.ipage, rows: query.irows, type: query.itype, status: query.istatus };
}
