import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ipv4ToNumber, ipv6ToBigInt } from './ip';

/**
 * ASN lookups from the @ip-location-db/asn CSV files
 * (ip_range_start,ip_range_end,autonomous_system_number,autonomous_system_organization,
 * with numeric range bounds in the *-num.csv files). The family publishes no
 * ASN database in MMDB form on npm (there is no @ip-location-db/asn-mmdb;
 * MAXMIND_ASN_DB takes a GeoLite2-ASN .mmdb), so the ranges are streamed line
 * by line into sorted typed arrays and searched by bisection: synchronous, no
 * allocation per IPv4 lookup, and no transient copy of the whole file (which
 * used to leave ~200 MB of freed heap in the process's RSS).
 */
export interface AsnRecord {
  asn: number;
  organization: string | null;
}

export interface ParsedRow {
  start: string;
  end: string;
  asn: number;
  organization: string;
}

/** Splits "start,end,asn,org" where org may be a quoted CSV field. */
export function parseRow(line: string): ParsedRow | null {
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

export class OrganizationNames {
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

export async function forEachRow(file: string, onRow: (row: ParsedRow) => void): Promise<void> {
  const reader = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of reader) {
    if (line.length === 0) continue;
    const row = parseRow(line);
    if (row) onRow(row);
  }
}

/** The permutation that sorts values ascending, or null when they already are (the published files are). */
export function sortedOrder(values: readonly bigint[]): number[] | null {
  let sorted = true;
  for (let index = 1; index < values.length && sorted; index += 1) sorted = values[index - 1]! <= values[index]!;
  if (sorted) return null;
  return [...values.keys()].sort((a, b) => (values[a]! < values[b]! ? -1 : values[a]! > values[b]! ? 1 : 0));
}

/** Four uint32 columns that grow by doubling (start, end, asn, organization index). */
export class GrowingColumns {
  private length = 0;
  private start = new Uint32Array(1 << 16);
  private end = new Uint32Array(1 << 16);
  private asn = new Uint32Array(1 << 16);
  private org = new Uint32Array(1 << 16);

  push(start: number, end: number, asn: number, org: number): void {
    if (this.length === this.start.length) {
      const grow = (column: Uint32Array) => {
        const next = new Uint32Array(column.length * 2);
        next.set(column);
        return next;
      };
      this.start = grow(this.start);
      this.end = grow(this.end);
      this.asn = grow(this.asn);
      this.org = grow(this.org);
    }
    this.start[this.length] = start;
    this.end[this.length] = end;
    this.asn[this.length] = asn;
    this.org[this.length] = org;
    this.length += 1;
  }

  trimmed() {
    const n = this.length;
    return { start: this.start.slice(0, n), end: this.end.slice(0, n), asn: this.asn.slice(0, n), org: this.org.slice(0, n) };
  }

  sortedByStart() {
    const columns = this.trimmed();
    let sorted = true;
    for (let index = 1; index < columns.start.length && sorted; index += 1) sorted = columns.start[index - 1]! <= columns.start[index]!;
    if (sorted) return columns;
    const order = Uint32Array.from(columns.start.keys()).sort((a, b) => columns.start[a]! - columns.start[b]!);
    const pick = (column: Uint32Array) => Uint32Array.from(order, (index) => column[index]!);
    return { start: pick(columns.start), end: pick(columns.end), asn: pick(columns.asn), org: pick(columns.org) };
  }
}

/** The ranges of the two numeric CSVs as columns sorted by start (typed arrays; IPv6 bounds as bigints). */
export interface AsnCsvColumns {
  v4: { start: Uint32Array; end: Uint32Array; asn: Uint32Array; org: Uint32Array };
  v6: { start: bigint[]; end: bigint[]; asn: Uint32Array; org: Uint32Array };
  organizations: string[];
}

/** Streams the IPv4 and IPv6 numeric CSVs (rows sorted by range start, as published) into sorted columns. */
export async function readAsnCsvColumns(ipv4CsvPath: string, ipv6CsvPath: string): Promise<AsnCsvColumns> {
  const organizations = new OrganizationNames();
  const v4 = new GrowingColumns();
  const v6Start: bigint[] = [];
  const v6End: bigint[] = [];
  const v6 = new GrowingColumns();
  const toV4 = (value: string) => (value.includes('.') ? ipv4ToNumber(value) : Number(value));
  const toV6 = (value: string) => (value.includes(':') ? ipv6ToBigInt(value) : BigInt(value));
  await forEachRow(ipv4CsvPath, (row) => v4.push(toV4(row.start), toV4(row.end), row.asn, organizations.intern(row.organization)));
  await forEachRow(ipv6CsvPath, (row) => {
    v6Start.push(toV6(row.start));
    v6End.push(toV6(row.end));
    v6.push(0, 0, row.asn, organizations.intern(row.organization));
  });
  const order = sortedOrder(v6Start);
  const v6Columns = v6.trimmed();
  return {
    v4: v4.sortedByStart(),
    v6: {
      start: order ? order.map((index) => v6Start[index]!) : v6Start,
      end: order ? order.map((index) => v6End[index]!) : v6End,
      asn: order ? Uint32Array.from(order, (index) => v6Columns.asn[index]!) : v6Columns.asn,
      org: order ? Uint32Array.from(order, (index) => v6Columns.org[index]!) : v6Columns.org,
    },
    organizations: organizations.names,
  };
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

  /** Streams the IPv4 and IPv6 numeric CSVs (rows sorted by range start, as published) into typed arrays. */
  static async load(ipv4CsvPath: string, ipv6CsvPath: string): Promise<AsnRangeTable> {
    const { v4, v6, organizations } = await readAsnCsvColumns(ipv4CsvPath, ipv6CsvPath);
    return new AsnRangeTable(v4.start, v4.end, v4.asn, v4.org, v6.start, v6.end, v6.asn, v6.org, organizations);
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
