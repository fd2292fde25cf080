import type { Sql } from '../db/client';
import { TimestampedJson } from './etag';
import { cachedPerSnapshot } from './snapshot-cache';
import { round, unixSeconds } from './format';
import { TIERS, type CountriesQuery } from './schemas';

export interface CountryView {
  code: string;
  name: string;
  count: number;
  /** share of the counted nodes with a known country, 0–100 */
  percentage: number;
  /** of them, up now */
  online_count: number;
  /** of them, verified by their operator */
  verified_count: number;
  tiers: Record<(typeof TIERS)[number], number>;
  average_uptime: number | null;
  average_latency: number | null;
  /** extension: the average PIX score of the country's counted nodes */
  average_pix_score: number | null;
}

/** GET /api/countries.json, the spec's shape (plus average_pix_score per country). */
export interface CountriesResponse {
  timestamp: number;
  total_countries: number;
  total_nodes: number;
  countries: CountryView[];
}

/** One country's counts and averages over the counted nodes (raw, unrounded). */
export interface CountryRow {
  code: string;
  name: string | null;
  count: number;
  online: number;
  verified: number;
  latency: number | null;
  uptime: number | null;
  pix: number | null;
  diamond: number;
  gold: number;
  silver: number;
  bronze: number;
  standard: number;
}

/** Visible nodes per country, online ones only or all: the aggregate behind countries.json (stored with each snapshot). */
export async function computeCountryRows(sql: Sql, onlineOnly: boolean): Promise<CountryRow[]> {
  return sql<CountryRow[]>`
    select country as code, max(country_name) as name, count(*)::int as count,
           count(*) filter (where status = 'up')::int as online,
           count(*) filter (where verified)::int as verified,
           avg(latency_ms) as latency, avg(uptime_percentage) as uptime, avg(pix_score) as pix,
           count(*) filter (where tier = 'diamond')::int as diamond,
           count(*) filter (where tier = 'gold')::int as gold,
           count(*) filter (where tier = 'silver')::int as silver,
           count(*) filter (where tier = 'bronze')::int as bronze,
           count(*) filter (where tier = 'standard')::int as standard
    from nodes
    where not hidden and country is not null ${onlineOnly ? sql`and status = 'up'` : sql``}
    group by country`;
}

/** The country rows stored with the newest snapshot; null when it has none (then compute live). */
async function storedCountryRows(sql: Sql, onlineOnly: boolean): Promise<CountryRow[] | null> {
  const [row] = await sql<{ rows: CountryRow[] | null }[]>`
    select ${onlineOnly ? sql`countries_online` : sql`countries_all`} as rows
    from network_snapshots order by taken_at desc, id desc limit 1`;
  return row?.rows ?? null;
}

/**
 * GET /api/countries.json: visible nodes per country (online ones by default), from
 * the aggregates stored with the newest snapshot, or computed live before there is one.
 */
export async function getCountries(sql: Sql, query: CountriesQuery, now: Date = new Date()): Promise<CountriesResponse> {
  const { body } = await cachedCountries(sql, query, now);
  return { ...body, timestamp: unixSeconds(now)! };
}

/** GET /api/countries.json sorted, serialised and tagged once per snapshot, query and process: what the route sends. */
export async function getCountriesAnswer(sql: Sql, query: CountriesQuery, now: Date = new Date()): Promise<TimestampedJson> {
  return (await cachedCountries(sql, query, now)).json;
}

function cachedCountries(sql: Sql, query: CountriesQuery, now: Date): Promise<{ body: CountriesResponse; json: TimestampedJson }> {
  const key = `countries.json?online_only=${query.online_only}&sort=${query.sort}&order=${query.order ?? ''}`;
  return cachedPerSnapshot(sql, key, async () => {
    const body = await buildCountries(sql, query, now);
    return { body, json: new TimestampedJson(body as unknown as { timestamp: number } & Record<string, unknown>) };
  });
}

async function buildCountries(sql: Sql, query: CountriesQuery, now: Date): Promise<CountriesResponse> {
  const stored = await storedCountryRows(sql, query.online_only);
  const rows = [...(stored ?? (await computeCountryRows(sql, query.online_only)))];
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  const order = query.order ?? (query.sort === 'count' ? 'desc' : 'asc');
  const direction = order === 'asc' ? 1 : -1;
  const compare: Record<CountriesQuery['sort'], (a: (typeof rows)[number], b: (typeof rows)[number]) => number> = {
    code: (a, b) => a.code.localeCompare(b.code),
    name: (a, b) => (a.name ?? a.code).localeCompare(b.name ?? b.code),
    count: (a, b) => a.count - b.count,
  };
  rows.sort((a, b) => direction * compare[query.sort](a, b) || a.code.localeCompare(b.code));
  return {
    timestamp: unixSeconds(now)!,
    total_countries: rows.length,
    total_nodes: total,
    countries: rows.map((row) => ({
      code: row.code.trim(),
      name: row.name?.trim() || row.code.trim(),
      count: row.count,
      percentage: round((row.count / total) * 100, 1)!,
      online_count: row.online,
      verified_count: row.verified,
      tiers: { diamond: row.diamond, gold: row.gold, silver: row.silver, bronze: row.bronze, standard: row.standard },
      average_uptime: round(row.uptime, 1),
      average_latency: round(row.latency, 1),
      average_pix_score: round(row.pix, 1),
    })),
  };
}
