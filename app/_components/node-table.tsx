import type { NodeView } from '@/lib/api/nodes';
import { formatDecimal, formatInteger, formatPercent, nodePath } from '@/lib/dashboard/format';
import { StatusBadge, TierBadge, VersionBadge } from './badges';
import { OperatorName } from './operator-profile';
import { ScrollTable } from './scroll-table';

/** Nodes as a table: address (linked to the node page), status, version, country, tier, score, uptime, latency. */
export function NodeTable({ caption, nodes, showRank = false, operators }: {
  caption: string;
  nodes: { address: string; node: NodeView }[];
  showRank?: boolean;
  /** approved operator profiles by address (name and avatar beside the address) */
  operators?: Map<string, { displayName: string | null; avatarUrl: string | null }>;
}) {
  return (
    <ScrollTable className="nodes-table" caption={caption}>
        <thead>
          <tr>
            {showRank && <th scope="col" className="num">Rank</th>}
            <th scope="col">Address</th>
            <th scope="col">Status</th>
            <th scope="col">Version</th>
            <th scope="col">Country</th>
            <th scope="col">Tier</th>
            <th scope="col" className="num">PIX score</th>
            <th scope="col" className="num">Uptime</th>
            <th scope="col" className="num">Latency</th>
          </tr>
        </thead>
        <tbody>
          {nodes.length === 0 && (
            <tr>
              <td colSpan={showRank ? 9 : 8} className="muted">No nodes match.</td>
            </tr>
          )}
          {nodes.map(({ address, node }) => (
            <tr key={address}>
              {showRank && <td className="num" data-label="Rank">{formatInteger(node.rank)}</td>}
              <th scope="row">
                <a href={nodePath(address)} className="mono">{address}</a>
                {node.is_verified && <span className="badge verified" title="Ownership verified">Verified</span>}
                {operators?.has(address) && <OperatorName profile={operators.get(address)!} />}
              </th>
              <td data-label="Status"><StatusBadge status={node.status} /></td>
              <td data-label="Version"><span className="mono">{node.user_agent ?? '—'}</span><VersionBadge status={node.version_status} /></td>
              <td data-label="Country">{node.country ? <abbr title={node.country_name ?? node.country}>{node.country}</abbr> : '—'}</td>
              <td data-label="Tier"><TierBadge tier={node.tier} /></td>
              <td className="num" data-label="PIX score">{formatDecimal(node.pix_score)}</td>
              <td className="num" data-label="Uptime">{formatPercent(node.uptime_percentage)}</td>
              <td className="num" data-label="Latency">{formatDecimal(node.latency_ms, ' ms')}</td>
            </tr>
          ))}
        </tbody>
    </ScrollTable>
  );
}
