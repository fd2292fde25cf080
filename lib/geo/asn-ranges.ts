import { readFile } from 'node:fs/promises';
import { ipv4ToNumber, ipv6ToBigInt } from './ip';

/**
 * ASN lookups from the @ip-location-db/asn CSV files
 * (ip_range_start,ip_range_end,autonomous_system_number,autonomous_system_organization,
 * with numeric range bounds in the *-num.csv files). The family publishes no
 * ASN database in MMDB form on npm, so the ranges are loaded once into sorted
 * typed arrays and searched by bisection: synchronous, no allocation per IPv4 lookup.
 */
export interface AsnRecord {
  asn: number;
  organization: string | null;
}

interface ParsedRow {
  start: string;
  end: string;
  asn: number;
  organization: string;
}

/** Splits "start,end,asn,org" where org may be a quoted CSV field. */
function parseRow(line: string): ParsedRow | null {
  const first = line.indexOf(',');
  const second = line.indexOf(',', first + 1);
  const third = line.indexOf(',', second + 1);
  if (first < 0 || second < 0 || third < 0) return null;
  let organization = line.slice(third + 1).trimEnd();
  if (organization.startsWith('"') && organization.endsWith('"')) organization = organization.slice(1, -1).replace(/""/g, '"');
  const asn = Number(line.slice(second + 1, third));
  if (!Number.isInteger(asn)) return null;
  return { start: line.slice(0, first), end: line.slice(first + 1, second), asn, organization };
}

class OrganizationNames {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  intern(name: string): number {
    let position = this.index.get(name);
    if (position === undefined) {
      position = this.names.length;
      this.names.push(name);
      this.index.set(name, position);
    }
    return position;
  }
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

export class AsnRangeTable {
  private constructor(
    private readonly v4Start: Uint32Array,
    private readonly v4End: Uint32Array,
    private readonly v4Asn: Uint32Array,
    private readonly v4Org: Uint32Array,
    private readonly v6Start: bigint[],
    private readonly v6End: bigint[],
    private readonly v6Asn: Uint32Array,
    private readonly v6Org: Uint32Array,
    private readonly organizations: string[],
  ) {}

  /** Reads the IPv4 and IPv6 numeric CSVs (rows sorted by range start, as published). */
  static async load(ipv4CsvPath: string, ipv6CsvPath: string): Promise<AsnRangeTable> {
    const [v4Text, v6Text] = await Promise.all([readFile(ipv4CsvPath, 'utf8'), readFile(ipv6CsvPath, 'utf8')]);
    return AsnRangeTable.fromCsv(v4Text, v6Text);
  }

  /** Accepts numeric bounds (the *-num.csv files) or textual addresses (the plain files). */
  static fromCsv(v4Text: string, v6Text: string): AsnRangeTable {
    const organizations = new OrganizationNames();
    const v4Rows = lines(v4Text).map(parseRow).filter((row): row is ParsedRow => row !== null);
    const toV4 = (value: string) => (value.includes('.') ? ipv4ToNumber(value) : Number(value));
    const v4 = v4Rows.map((row) => ({ start: toV4(row.start), end: toV4(row.end), row })).sort((a, b) => a.start - b.start);
    const v6Rows = lines(v6Text).map(parseRow).filter((row): row is ParsedRow => row !== null);
    const toV6 = (value: string) => (value.includes(':') ? ipv6ToBigInt(value) : BigInt(value));
    const v6 = v6Rows
      .map((row) => ({ start: toV6(row.start), end: toV6(row.end), row }))
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    return new AsnRangeTable(
      Uint32Array.from(v4, (r) => r.start),
      Uint32Array.from(v4, (r) => r.end),
      Uint32Array.from(v4, (r) => r.row.asn),
      Uint32Array.from(v4, (r) => organizations.intern(r.row.organization)),
      v6.map((r) => r.start),
      v6.map((r) => r.end),
      Uint32Array.from(v6, (r) => r.row.asn),
      Uint32Array.from(v6, (r) => organizations.intern(r.row.organization)),
      organizations.names,
    );
  }

  get size(): { ipv4: number; ipv6: number } {
    return { ipv4: this.v4Start.length, ipv6: this.v6Start.length };
  }

  private record(asn: number, org: number): AsnRecord {
    return { asn, organization: this.organizations[org] || null };
  }

  lookupIpv4(ip: string): AsnRecord | null {
    const value = ipv4ToNumber(ip);
    let low = 0;
    let high = this.v4Start.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.v4Start[middle]! <= value) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    if (found < 0 || this.v4End[found]! < value) return null;
    return this.record(this.v4Asn[found]!, this.v4Org[found]!);
  }

  lookupIpv6(ip: string): AsnRecord | null {
    const value = ipv6ToBigInt(ip);
    let low = 0;
    let high = this.v6Start.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.v6Start[middle]! <= value) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    if (found < 0 || this.v6End[found]! < value) return null;
    return this.record(this.v6Asn[found]!, this.v6Org[found]!);
  }
}
