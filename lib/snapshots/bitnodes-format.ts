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
