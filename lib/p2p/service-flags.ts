/**
 * Service flags by name (Bitcoin Core's ServiceFlags): decoding the uint64 `services`
 * of a version message into names, and names into bits. Pure.
 */

/** The flags Peerscope names, with their bit positions. */
export const SERVICE_FLAGS = {
  NODE_NETWORK: 0,
  NODE_GETUTXO: 1,
  NODE_BLOOM: 2,
  NODE_WITNESS: 3,
  NODE_XTHIN: 4,
  NODE_COMPACT_FILTERS: 6,
  NODE_NETWORK_LIMITED: 10,
  NODE_P2P_V2: 11,
} as const;
export type ServiceFlagName = keyof typeof SERVICE_FLAGS;

/** The flags the nodes.json `services` filter and the stats breakdown accept and report. */
export const FILTERABLE_SERVICE_FLAGS = [
  'NODE_NETWORK',
  'NODE_WITNESS',
  'NODE_BLOOM',
  'NODE_COMPACT_FILTERS',
  'NODE_NETWORK_LIMITED',
  'NODE_P2P_V2',
] as const satisfies readonly ServiceFlagName[];
export type FilterableServiceFlag = (typeof FILTERABLE_SERVICE_FLAGS)[number];

const MAX_UINT64 = (1n << 64n) - 1n;

/** A services value from the database (decimal string or number) or the API (exactly 16 hex digits); null when absent or not a uint64. */
export function parseServices(services: string | number | bigint | null | undefined, format: 'decimal' | 'hex' = 'decimal'): bigint | null {
  if (services === null || services === undefined || services === '') return null;
  try {
    let value: bigint;
    if (typeof services === 'string') {
      if (format === 'hex' ? !/^[0-9a-fA-F]{16}$/.test(services) : !/^[0-9]{1,20}$/.test(services)) return null;
      value = BigInt(format === 'hex' ? `0x${services}` : services);
    } else value = BigInt(services);
    return value >= 0n && value <= MAX_UINT64 ? value : null;
  } catch {
    return null;
  }
}

export interface DecodedServices {
  /** Known flags set, lowest bit first. */
  names: ServiceFlagName[];
  /** Bits set that have no name here ("bit 24"). */
  unknownBits: number[];
}

/** The named flags and the remaining bits of a services value (see parseServices). */
export function decodeServices(value: bigint | null): DecodedServices | null {
  if (value === null || value < 0n || value > MAX_UINT64) return null;
  const byBit = new Map<number, ServiceFlagName>(Object.entries(SERVICE_FLAGS).map(([name, bit]) => [bit, name as ServiceFlagName]));
  const names: ServiceFlagName[] = [];
  const unknownBits: number[] = [];
  for (let bit = 0; bit < 64; bit += 1) {
    if (((value >> BigInt(bit)) & 1n) === 0n) continue;
    const name = byBit.get(bit);
    if (name) names.push(name);
    else unknownBits.push(bit);
  }
  return { names, unknownBits };
}

/** The bit positions of the given flag names, sorted and without repeats. */
export function serviceFlagBits(names: readonly ServiceFlagName[]): number[] {
  return [...new Set(names.map((name) => SERVICE_FLAGS[name]))].sort((a, b) => a - b);
}
