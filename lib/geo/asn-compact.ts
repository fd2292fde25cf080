import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readAsnCsvColumns, type AsnRecord } from './asn-ranges';
import { ipv4ToNumber, ipv6ToBigInt } from './ip';

/**
 * The ASN ranges in one compact binary block (about 13 MB for the bundled
 * @ip-location-db/asn data, against ~100 MB of heap for parsed rows), built
 * once from the CSV files and cached on disk, so later processes read one
 * file into one buffer: no per-row objects, no bigints, no string table on the
 * heap (organization names are decoded from the block when looked up).
 *
 * Layout (little-endian uint32 words after an 8-byte magic):
 *   v4Count, v6Count, orgCount, stringBytes,
 *   v4Start[v4Count], v4End[v4Count], v4Asn[v4Count], v4Org[v4Count],
 *   v6Start[4·v6Count], v6End[4·v6Count] (each address as 4 words, most significant first),
 *   v6Asn[v6Count], v6Org[v6Count], orgOffsets[orgCount + 1], then the UTF-8 names.
 */
const MAGIC = 'PSASN001';
const HEADER_WORDS = 4;

function words128(value: bigint): [number, number, number, number] {
  return [Number((value >> 96n) & 0xffffffffn), Number((value >> 64n) & 0xffffffffn), Number((value >> 32n) & 0xffffffffn), Number(value & 0xffffffffn)];
}

/** Streams the two numeric CSVs into the compact block. */
export async function buildCompactAsn(ipv4CsvPath: string, ipv6CsvPath: string): Promise<Buffer> {
  const { v4, v6, organizations } = await readAsnCsvColumns(ipv4CsvPath, ipv6CsvPath);
  return encodeCompactAsn({
    v4,
    v6: v6.start.map((start, index) => ({ start, end: v6.end[index]!, asn: v6.asn[index]!, org: v6.org[index]! })),
    organizations,
  });
}

export interface AsnColumns {
  v4: { start: Uint32Array; end: Uint32Array; asn: Uint32Array; org: Uint32Array };
  /** Sorted by start. */
  v6: { start: bigint; end: bigint; asn: number; org: number }[];
  organizations: string[];
}

/** Serialises sorted ranges into the compact layout. */
export function encodeCompactAsn({ v4, v6, organizations }: AsnColumns): Buffer {
  const names = organizations.map((name) => Buffer.from(name, 'utf8'));
  const stringBytes = names.reduce((sum, name) => sum + name.length, 0);
  const v4Count = v4.start.length;
  const v6Count = v6.length;
  const words = HEADER_WORDS + 4 * v4Count + 10 * v6Count + organizations.length + 1;
  const buffer = Buffer.alloc(MAGIC.length + words * 4 + stringBytes);
  buffer.write(MAGIC, 0, 'latin1');
  const view = new Uint32Array(buffer.buffer, buffer.byteOffset + MAGIC.length, words);
  view.set([v4Count, v6Count, organizations.length, stringBytes], 0);
  let at = HEADER_WORDS;
  for (const column of [v4.start, v4.end, v4.asn, v4.org]) {
    view.set(column, at);
    at += v4Count;
  }
  v6.forEach((range, index) => {
    view.set(words128(range.start), at + 4 * index);
    view.set(words128(range.end), at + 4 * v6Count + 4 * index);
    view[at + 8 * v6Count + index] = range.asn;
    view[at + 9 * v6Count + index] = range.org;
  });
  at += 10 * v6Count;
  let offset = 0;
  names.forEach((name, index) => {
    view[at + index] = offset;
    name.copy(buffer, MAGIC.length + words * 4 + offset);
    offset += name.length;
  });
  view[at + names.length] = offset;
  return buffer;
}

/** Compares a 4-word address at words[at] with the 4 words of `value`: -1, 0 or 1. */
function compare128(words: Uint32Array, at: number, value: readonly number[]): number {
  for (let index = 0; index < 4; index += 1) {
    const a = words[at + index]!;
    const b = value[index]!;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/** Lookups over a compact block (see buildCompactAsn); the same answers as AsnRangeTable. */
export class CompactAsnTable {
  private readonly words: Uint32Array;
  private readonly v4Count: number;
  private readonly v6Count: number;
  private readonly orgCount: number;
  private readonly stringsAt: number;

  constructor(private readonly block: Buffer) {
    if (block.length < MAGIC.length + HEADER_WORDS * 4 || block.toString('latin1', 0, MAGIC.length) !== MAGIC) {
      throw new Error('not a Peerscope ASN block');
    }
    // Typed-array views need 4-byte alignment: copy a block that is not (a pooled or sliced buffer).
    const aligned = (block.byteOffset + MAGIC.length) % 4 === 0 ? block : Buffer.from(block);
    this.block = aligned;
    const header = new Uint32Array(aligned.buffer, aligned.byteOffset + MAGIC.length, HEADER_WORDS);
    [this.v4Count, this.v6Count, this.orgCount] = [header[0]!, header[1]!, header[2]!];
    const wordCount = HEADER_WORDS + 4 * this.v4Count + 10 * this.v6Count + this.orgCount + 1;
    if (aligned.length < MAGIC.length + wordCount * 4 + header[3]!) throw new Error('truncated Peerscope ASN block');
    this.words = new Uint32Array(aligned.buffer, aligned.byteOffset + MAGIC.length, wordCount);
    this.stringsAt = MAGIC.length + wordCount * 4;
  }

  get size(): { ipv4: number; ipv6: number } {
    return { ipv4: this.v4Count, ipv6: this.v6Count };
  }

  /** Bytes held (the whole table is this one buffer). */
  get byteLength(): number {
    return this.block.length;
  }

  private organization(index: number): string | null {
    if (index >= this.orgCount) return null;
    const offsets = HEADER_WORDS + 4 * this.v4Count + 10 * this.v6Count;
    const from = this.words[offsets + index]!;
    const to = this.words[offsets + index + 1]!;
    return to > from ? this.block.toString('utf8', this.stringsAt + from, this.stringsAt + to) : null;
  }

  lookupIpv4(ip: string): AsnRecord | null {
    const value = ipv4ToNumber(ip);
    const n = this.v4Count;
    const start = HEADER_WORDS;
    let low = 0;
    let high = n - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.words[start + middle]! <= value) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    if (found < 0 || this.words[start + n + found]! < value) return null;
    return { asn: this.words[start + 2 * n + found]!, organization: this.organization(this.words[start + 3 * n + found]!) };
  }

  lookupIpv6(ip: string): AsnRecord | null {
    const value = words128(ipv6ToBigInt(ip));
    const n = this.v6Count;
    const start = HEADER_WORDS + 4 * this.v4Count;
    let low = 0;
    let high = n - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (compare128(this.words, start + 4 * middle, value) <= 0) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    if (found < 0 || compare128(this.words, start + 4 * n + 4 * found, value) < 0) return null;
    return { asn: this.words[start + 8 * n + found]!, organization: this.organization(this.words[start + 9 * n + found]!) };
  }
}

/** Cache file name for these CSVs: changes when either file's size or modification time does. */
export function compactCacheName(ipv4CsvPath: string, ipv6CsvPath: string): string {
  const hash = createHash('sha256');
  for (const file of [ipv4CsvPath, ipv6CsvPath]) {
    const stat = statSync(file);
    hash.update(`${path.resolve(file)}\0${stat.size}\0${stat.mtimeMs}\0`);
  }
  return `asn-${MAGIC.toLowerCase()}-${hash.digest('hex').slice(0, 16)}.bin`;
}

/**
 * The compact table for these CSVs: read from cacheDir when built before,
 * otherwise built from the CSVs and written there (atomically; a folder that
 * cannot be written only costs the rebuild next time).
 */
export async function loadCompactAsn(ipv4CsvPath: string, ipv6CsvPath: string, cacheDir: string): Promise<CompactAsnTable> {
  const file = path.join(cacheDir, compactCacheName(ipv4CsvPath, ipv6CsvPath));
  try {
    return new CompactAsnTable(readFileSync(file));
  } catch {
    // Not built yet (or unreadable): build it.
  }
  const block = await buildCompactAsn(ipv4CsvPath, ipv6CsvPath);
  try {
    mkdirSync(cacheDir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, block);
    renameSync(temporary, file);
  } catch {
    // Read-only folder: keep the block in memory only.
  }
  return new CompactAsnTable(block);
}
