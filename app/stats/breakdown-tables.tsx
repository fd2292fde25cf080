import type { StatsResponse } from '@/lib/api/stats';
import { hrefWith } from '@/lib/dashboard/search-params';
import { ShareTable } from '../_components/share-table';

const NETWORK_LABELS: Record<string, string> = { ipv4: 'IPv4', ipv6: 'IPv6', onion: 'Tor (onion)', i2p: 'I2P', cjdns: 'CJDNS' };
/** Regions shown on the page (stats.json has up to 100). */
const REGIONS_SHOWN = 25;

const shareOf = (count: number, whole: number) => (whole > 0 ? (count / whole) * 100 : 0);

/** The stats.json breakdowns (issue 15): network types, service flags, protocol versions, top ASNs, regions. */
export function StatsBreakdownTables({ stats }: { stats: StatsResponse }) {
  const online = stats.available_nodes;
  const regionsShown = stats.regions_distribution.slice(0, REGIONS_SHOWN);
  const regionsRest = Math.max(0, online - stats.regions_unknown - regionsShown.reduce((sum, row) => sum + row.count, 0));
  const asnShown = stats.asn_distribution.reduce((sum, row) => sum + row.count, 0);
  return (
    <section aria-labelledby="breakdowns-heading">
      <h2 id="breakdowns-heading">Breakdowns of online nodes</h2>
      <div className="grid-2">
        <div>
          <ShareTable caption="Network types" keyHeader="Network"
            rows={Object.entries(stats.networks_distribution).map(([network, count]) => ({
              key: network, label: NETWORK_LABELS[network] ?? network, count, share: shareOf(count, online),
              href: count > 0 ? hrefWith('/nodes', { network, online: 'true' }) : null,
            }))} />
          <br />
          <ShareTable caption="Service flags (a node counts under each flag it has)" keyHeader="Flag"
            rows={Object.entries(stats.services_distribution).map(([flag, count]) => ({
              key: flag, label: <span className="mono">{flag}</span>, count, share: shareOf(count, online),
              href: count > 0 ? hrefWith('/nodes', { services: flag, online: 'true' }) : null,
            }))} />
          <br />
          <ShareTable caption="Protocol versions" keyHeader="Protocol version"
            rows={stats.protocol_versions.map((row) => ({
              key: String(row.protocol_version ?? 'unknown'), label: row.protocol_version === null ? 'Unknown' : String(row.protocol_version),
              count: row.count, share: row.share,
              href: row.protocol_version === null ? null : hrefWith('/nodes', { version: row.protocol_version, online: 'true' }),
            }))} />
        </div>
        <div>
          <ShareTable caption={`Top ${stats.asn_distribution.length} autonomous systems`} keyHeader="ASN"
            rows={stats.asn_distribution.map((row) => ({
              key: row.asn, label: row.name ? `${row.asn} · ${row.name}` : row.asn, count: row.count, share: row.share,
              href: hrefWith('/nodes', { asn: row.asn, online: 'true' }),
            }))}
            footer={[
              { key: 'asn-others', label: 'Other ASNs', count: stats.asn_others, share: shareOf(stats.asn_others, online) },
              { key: 'asn-unknown', label: 'Unknown ASN', count: stats.asn_unknown, share: shareOf(stats.asn_unknown, online) },
            ]} />
          <p className="muted">{`The top ${stats.asn_distribution.length} hold ${shareOf(asnShown, online).toFixed(1)}% of online nodes.`}</p>
          <ShareTable caption="States and regions" keyHeader="Region"
            rows={regionsShown.map((row) => ({
              key: `${row.country}/${row.region}`, label: `${row.region}, ${row.country_name ?? row.country}`, count: row.count, share: row.share,
              href: hrefWith('/nodes', { country: row.country, online: 'true' }),
            }))}
            footer={[
              { key: 'regions-others', label: 'Other regions', count: regionsRest, share: shareOf(regionsRest, online) },
              { key: 'regions-unknown', label: 'Unknown region', count: stats.regions_unknown, share: shareOf(stats.regions_unknown, online) },
            ]} />
        </div>
      </div>
    </section>
  );
}
