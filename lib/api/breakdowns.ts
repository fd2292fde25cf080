import type { Sql } from '../db/client';
import { FILTERABLE_SERVICE_FLAGS, SERVICE_FLAGS, type FilterableServiceFlag } from '../p2p/service-flags';
import { round } from './format';
import { NODE_NETWORKS, type NodeNetwork } from './node-search';

/**
 * stats.json breakdowns beyond the AtlasP2P spec (issue 15), of online (status up),
 * visible nodes, like the spec's distributions: by network type, by ASN (top 20 with
 * share), by service flag, by protocol version and by region. Computed with each
 * snapshot (lib/snapshots/take.ts stores them in network_snapshots.stats_breakdowns),
 * live only before the first such snapshot. Shares are percentages (0–100, 2
 * decimals) of the online nodes.
 */
export const TOP_ASNS = 20;
export const TOP_REGIONS = 100;

export interface AsnShare {
  /** "AS13335" */
  asn: string;
  /** the AS organisation, when known */
  name: string | null;
  count: number;
  share: number;
}

export interface VersionShare {
  protocol_version: number | null;
  count: number;
  share: number;
}

export interface RegionShare {
  /** ISO 3166-1 alpha-2 */
  country: string;
  country_name: string | null;
  /** state, province or other first-level subdivision, as the geolocation database names it */
  region: string;
  count: number;
  share: number;
}

export interface StatsBreakdowns {
  /** online nodes the shares are of */
  online_nodes: number;
  /** every network type, zeros included */
  networks_distribution: Record<NodeNetwork, number>;
  /** the 20 ASNs with the most online nodes, most first; nodes without a known ASN are left out */
  asn_distribution: AsnShare[];
  /** online nodes whose ASN is known but not in the top 20 */
  asn_others: number;
  /** online nodes without a known ASN */
  asn_unknown: number;
  /** flag name → online nodes advertising it (a node counts under each of its flags), zeros included */
  services_distribution: Record<FilterableServiceFlag, number>;
  /** online nodes per protocol version (null: unknown), most first */
  protocol_versions: VersionShare[];
  /** the 100 regions with the most online nodes, most first */
  regions_distribution: RegionShare[];
  /** online nodes without a known region */
  regions_unknown: number;
}

const share = (count: number, total: number) => (total > 0 ? round((count / total) * 100, 2)! : 0);

/** The breakdowns as they are now (one grouping-sets scan of the online nodes, plus one for the service flags). */
export async function computeStatsBreakdowns(sql: Sql): Promise<StatsBreakdowns> {
  const flagColumns = FILTERABLE_SERVICE_FLAGS.map(
    (flag) => sql`count(*) filter (where services is not null and mod(div(services, ${String(2n ** BigInt(SERVICE_FLAGS[flag]))}::numeric), 2) = 1)::int as ${sql(flag)}`,
  );
  const [groups, [flags]] = await Promise.all([
    sql<{ dimension: 'network' | 'asn' | 'version' | 'region'; network: string | null; asn: number | null; name: string | null;
      version: number | null; country: string | null; region: string | null; count: number }[]>`
      select case when grouping(network) = 0 then 'network' when grouping(asn) = 0 then 'asn'
                  when grouping(protocol_version) = 0 then 'version' else 'region' end as dimension,
             network, asn, protocol_version as version, country, nullif(btrim(region), '') as region,
             case when grouping(asn) = 0 then max(organization_name) else max(country_name) end as name,
             count(*)::int as count
      from nodes where status = 'up' and not hidden
      group by grouping sets ((network), (asn), (protocol_version), (country, nullif(btrim(region), '')))`,
    sql<Record<FilterableServiceFlag, number>[]>`
      select ${flagColumns.reduce((list, column, index) => (index === 0 ? column : sql`${list}, ${column}`))}
      from nodes where status = 'up' and not hidden`,
  ]);
  const networks = Object.fromEntries(NODE_NETWORKS.map((network) => [network, 0])) as Record<NodeNetwork, number>;
  const asns: { asn: number; name: string | null; count: number }[] = [];
  const versions: { version: number | null; count: number }[] = [];
  const regions: { country: string; country_name: string | null; region: string; count: number }[] = [];
  let online = 0;
  let asnUnknown = 0;
  let regionsUnknown = 0;
  for (const group of groups) {
    switch (group.dimension) {
      case 'network':
        online += group.count;
        if (group.network && group.network in networks) networks[group.network as NodeNetwork] += group.count;
        break;
      case 'asn':
        if (group.asn === null) asnUnknown += group.count;
        else asns.push({ asn: group.asn, name: group.name?.trim() || null, count: group.count });
        break;
      case 'version':
        versions.push({ version: group.version, count: group.count });
        break;
      case 'region':
        if (group.country === null || group.region === null) regionsUnknown += group.count;
        else regions.push({ country: group.country.trim(), country_name: group.name?.trim() || null, region: group.region, count: group.count });
        break;
    }
  }
  asns.sort((a, b) => b.count - a.count || a.asn - b.asn);
  regions.sort((a, b) => b.count - a.count || a.country.localeCompare(b.country) || a.region.localeCompare(b.region));
  versions.sort((a, b) => b.count - a.count || (b.version ?? -1) - (a.version ?? -1));
  const topAsns = asns.slice(0, TOP_ASNS);
  return {
    online_nodes: online,
    networks_distribution: networks,
    asn_distribution: topAsns.map((entry) => ({ asn: `AS${entry.asn}`, name: entry.name, count: entry.count, share: share(entry.count, online) })),
    asn_others: asns.slice(TOP_ASNS).reduce((sum, entry) => sum + entry.count, 0),
    asn_unknown: asnUnknown,
    services_distribution: Object.fromEntries(FILTERABLE_SERVICE_FLAGS.map((flag) => [flag, flags?.[flag] ?? 0])) as Record<FilterableServiceFlag, number>,
    protocol_versions: versions.map((entry) => ({ protocol_version: entry.version, count: entry.count, share: share(entry.count, online) })),
    regions_distribution: regions.slice(0, TOP_REGIONS).map((entry) => ({ ...entry, share: share(entry.count, online) })),
    regions_unknown: regionsUnknown,
  };
}

/** The breakdowns stored with the newest snapshot; null when it has none (taken before they existed). */
export async function storedStatsBreakdowns(sql: Sql): Promise<StatsBreakdowns | null> {
  const [row] = await sql<{ stats_breakdowns: StatsBreakdowns | null }[]>`
    select stats_breakdowns from network_snapshots order by taken_at desc, id desc limit 1`;
  return row?.stats_breakdowns ?? null;
}
