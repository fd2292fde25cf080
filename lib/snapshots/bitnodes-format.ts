/**
 * Bitnodes v1 snapshot rows are positional arrays. This order is the contract
 * between the crawler (which stores network_snapshots.nodes as
 * {"ip:port": BitnodesSnapshotRow}) and the /api/v1/snapshots routes.
 */
export const BITNODES_SNAPSHOT_FIELDS = [
  'protocol_version',
  'user_agent',
  'connected_since',
  'services',
  'height',
  'hostname',
  'city',
  'country',
  'latitude',
  'longitude',
  'timezone',
  'asn',
  'organization_name',
] as const;

export type BitnodesSnapshotRow = [
  protocolVersion: number | null,
  userAgent: string | null,
  /** unix seconds */
  connectedSince: number | null,
  /** service bits as a decimal number (Bitnodes uses a JSON number) */
  services: number | null,
  height: number | null,
  hostname: string | null,
  city: string | null,
  country: string | null,
  latitude: number | null,
  longitude: number | null,
  timezone: string | null,
  /** "AS13030" */
  asn: string | null,
  organizationName: string | null,
];

/** The variants of a snapshot answer: the whole nodes map, or one of Bitnodes' `field` lists. */
export type SnapshotField = '' | 'coordinates' | 'user_agents';
export const SNAPSHOT_FIELDS: readonly SnapshotField[] = ['', 'coordinates', 'user_agents'];

export interface SnapshotHead {
  timestamp: number;
  total_nodes: number;
  latest_height: number | null;
}

export type BitnodesSnapshotBody =
  | (SnapshotHead & { nodes: Record<string, BitnodesSnapshotRow> })
  | (SnapshotHead & { coordinates: [number, number][] })
  | (SnapshotHead & { user_agents: string[] });

/**
 * The Bitnodes v1 snapshot answer for a nodes map: missing coordinates as 0.0 (as
 * Bitnodes writes them), `coordinates` distinct pairs, `user_agents` distinct agents.
 */
export function bitnodesSnapshotBody(head: SnapshotHead, stored: Record<string, BitnodesSnapshotRow>, field: SnapshotField): BitnodesSnapshotBody {
  const nodes: Record<string, BitnodesSnapshotRow> = {};
  for (const [key, node] of Object.entries(stored)) {
    const fixed = [...node] as BitnodesSnapshotRow;
    fixed[8] ??= 0;
    fixed[9] ??= 0;
    nodes[key] = fixed;
  }
  if (field === 'coordinates') {
    const unique = new Map<string, [number, number]>();
    for (const node of Object.values(nodes)) unique.set(`${node[8]},${node[9]}`, [node[8]!, node[9]!]);
    return { ...head, coordinates: [...unique.values()] };
  }
  if (field === 'user_agents') return { ...head, user_agents: [...new Set(Object.values(nodes).map((node) => node[1] ?? ''))] };
  return { ...head, nodes };
}
