import type { Metadata } from 'next';
import { getCountries } from '@/lib/api/countries';
import { countriesQuerySchema, type CountriesQuery } from '@/lib/api/schemas';
import { formatDecimal, formatInteger, formatPercent } from '@/lib/dashboard/format';
import { hrefWith, parseSearchParams, type RawSearchParams } from '@/lib/dashboard/search-params';
import { getSql } from '@/lib/db/client';
import { ScrollTable } from '../_components/scroll-table';
import { InputError } from '../_components/input-error';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Countries' };

type Sort = CountriesQuery['sort'];

function SortHeader({ sort, label, query, numeric }: { sort: Sort; label: string; query: CountriesQuery; numeric?: boolean }) {
  const active = query.sort === sort;
  const current = query.order ?? (query.sort === 'count' ? 'desc' : 'asc');
  const nextOrder = active ? (current === 'asc' ? 'desc' : 'asc') : sort === 'count' ? 'desc' : 'asc';
  const href = hrefWith('/countries', { sort, order: nextOrder, online_only: query.online_only ? undefined : 'false' });
  return (
    <th scope="col" className={`sortable${numeric ? ' num' : ''}`} aria-sort={active ? (current === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a href={href}>
        {label}
        {active && <span aria-hidden="true">{current === 'asc' ? ' ▲' : ' ▼'}</span>}
        <span className="visually-hidden">{`, sort ${nextOrder === 'asc' ? 'ascending' : 'descending'}`}</span>
      </a>
    </th>
  );
}

export default async function CountriesPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const parsed = parseSearchParams(countriesQuerySchema, await searchParams);
  if (!parsed.ok) {
    return (
      <>
        <h1>Countries</h1>
        <InputError issues={parsed.issues} resetHref="/countries" />
      </>
    );
  }
  const query = parsed.data;
  const result = await getCountries(getSql(), query);
  return (
    <>
      <h1>Countries</h1>
      <p className="muted">
        {`${formatInteger(result.total_nodes)} ${query.online_only ? 'online' : 'known'} nodes in ${formatInteger(result.total_countries)} countries. `}
        <a href={hrefWith('/countries', { sort: query.sort, order: query.order, online_only: query.online_only ? 'false' : undefined })}>
          {query.online_only ? 'Include offline nodes' : 'Online nodes only'}
        </a>
      </p>
      <ScrollTable caption={`Nodes per country (${query.online_only ? 'online only' : 'all visible nodes'}); select a column heading to sort`}>
          <thead>
            <tr>
              <SortHeader sort="code" label="Code" query={query} />
              <SortHeader sort="name" label="Country" query={query} />
              <SortHeader sort="count" label="Nodes" query={query} numeric />
              <th scope="col" className="num">Share</th>
              <th scope="col" className="num">Diamond / gold</th>
              <th scope="col" className="num">Avg. uptime</th>
              <th scope="col" className="num">Avg. latency</th>
              <th scope="col" className="num">Avg. PIX</th>
            </tr>
          </thead>
          <tbody>
            {result.countries.length === 0 && (
              <tr>
                <td colSpan={8} className="muted">No nodes with a known country yet.</td>
              </tr>
            )}
            {result.countries.map((country) => (
              <tr key={country.code}>
                <td className="mono">{country.code}</td>
                <th scope="row">
                  <a href={hrefWith('/nodes', { country: country.code, online: query.online_only ? 'true' : undefined })}>{country.name ?? country.code}</a>
                </th>
                <td className="num">{formatInteger(country.count)}</td>
                <td className="num">{formatPercent(country.percentage)}</td>
                <td className="num">{`${formatInteger(country.tiers.diamond)} / ${formatInteger(country.tiers.gold)}`}</td>
                <td className="num">{formatPercent(country.average_uptime)}</td>
                <td className="num">{formatDecimal(country.average_latency, ' ms')}</td>
                <td className="num">{formatDecimal(country.average_pix_score)}</td>
              </tr>
            ))}
          </tbody>
      </ScrollTable>
    </>
  );
}
