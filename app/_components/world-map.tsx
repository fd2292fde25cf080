import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import land110m from 'world-atlas/land-110m.json';
import { formatInteger, formatPercent } from '@/lib/dashboard/format';
import type { NodeCluster } from '@/lib/dashboard/map-clusters';
import { VERSION_STATUS_LABELS } from '@/lib/dashboard/labels';
import { hrefWith } from '@/lib/dashboard/search-params';
import { MapKeyboard } from './map-keyboard';

const WIDTH = 960;
const HEIGHT = 480;

/** The bundled Natural Earth land shape, projected once per server process. */
const projection = geoNaturalEarth1().fitExtent(
  [[4, 4], [WIDTH - 4, HEIGHT - 4]],
  { type: 'Sphere' },
);
// One decimal is a tenth of a pixel at this size: plenty, and it halves the markup.
const path = geoPath(projection).digits(1);
const topology = land110m as unknown as Topology<{ land: GeometryCollection }>;
const landPath = path(feature(topology, topology.objects.land)) ?? '';
const spherePath = path({ type: 'Sphere' }) ?? '';

/** "; versions: 10 up to date, 2 outdated, 1 critical" (classes with nodes only). */
function versionSummary(versions: NodeCluster['versions']): string {
  const parts = (['current', 'outdated', 'critical'] as const)
    .filter((status) => versions[status] > 0)
    .map((status) => `${formatInteger(versions[status])} ${VERSION_STATUS_LABELS[status].toLowerCase()}`);
  return parts.length ? `; versions: ${parts.join(', ')}` : '';
}

function radius(count: number, max: number): number {
  return 3 + Math.sqrt(count / max) * 20;
}

/**
 * An offline world map (server-rendered SVG) with one linked circle per cluster of
 * online nodes, biggest first. The markers are one Tab stop (arrow keys move between
 * them) and each has an invisible hit circle of at least 24 CSS pixels (see globals.css).
 */
export function WorldMap({ clusters }: { clusters: NodeCluster[] }) {
  const total = clusters.reduce((sum, cluster) => sum + cluster.count, 0);
  const max = clusters[0]?.count ?? 1;
  return (
    <figure className="map">
      <MapKeyboard>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-labelledby="map-title map-desc" role="group">
        <title id="map-title">World map of online nodes</title>
        <desc id="map-desc">
          {`${formatInteger(total)} online nodes with a known location in ${clusters.length} clusters; each circle links to the nodes of its main country.`}
        </desc>
        <path d={spherePath} className="map-sea" />
        <path d={landPath} className="map-land" />
        {clusters.map((cluster) => {
          const point = projection([cluster.longitude, cluster.latitude]);
          if (!point) return null;
          const where = cluster.countryName ?? cluster.country ?? 'unknown country';
          const label = `${formatInteger(cluster.count)} ${cluster.count === 1 ? 'node' : 'nodes'} near ${where} (${formatPercent((cluster.count / total) * 100)} of located nodes)${versionSummary(cluster.versions)}`;
          const operators = cluster.operators?.length
            ? `; operators: ${cluster.operators.join(', ')}${(cluster.operatorCount ?? 0) > cluster.operators.length ? ` and ${(cluster.operatorCount ?? 0) - cluster.operators.length} more` : ''}`
            : '';
          const href = cluster.country ? hrefWith('/nodes', { country: cluster.country, online: 'true' }) : '/nodes?online=true';
          return (
            <a key={`${cluster.latitude},${cluster.longitude}`} href={href} aria-label={label + operators} className="map-cluster">
              <title>{label + operators}</title>
              <circle className="map-hit" cx={point[0].toFixed(1)} cy={point[1].toFixed(1)} r={Math.max(radius(cluster.count, max), 13).toFixed(1)} />
              <circle className="map-dot" cx={point[0].toFixed(1)} cy={point[1].toFixed(1)} r={radius(cluster.count, max).toFixed(1)} />
            </a>
          );
        })}
      </svg>
      </MapKeyboard>
      <figcaption className="muted">
        Online nodes by location, grouped into 4° squares; a larger circle holds more nodes. Select a circle to list its country&apos;s nodes.
        <span id="map-keys"> The circles are one stop for the Tab key: the arrow keys move between them, biggest first.</span>
      </figcaption>
    </figure>
  );
}
