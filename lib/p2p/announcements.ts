/**
 * Block announcements a persistent session listens to: `inv` (MSG_BLOCK
 * entries), `headers` (after we send `sendheaders`, BIP130) and the header
 * hash. Pure Buffer-in/Buffer-out; decoders throw only ProtocolError.
 */
import { ByteReader, encodeCompactSize, u32le } from './bytes';
import { ProtocolError } from './errors';
import { doubleSha256 } from './frame';

/** Bitcoin Core's MAX_INV_SZ. */
export const MAX_INV_ENTRIES = 50_000;
/** Bitcoin Core's MAX_HEADERS_RESULTS. */
export const MAX_HEADERS_ENTRIES = 2000;
export const BLOCK_HEADER_LENGTH = 80;

export const INV_TYPE = { tx: 1, block: 2, filteredBlock: 3, compactBlock: 4, witnessTx: 0x40000001, witnessBlock: 0x40000002 } as const;

export interface InvEntry {
  type: number;
  /** 32 bytes, internal byte order. */
  hash: Buffer;
}

export interface BlockHeader {
  version: number;
  prevHash: Buffer;
  merkleRoot: Buffer;
  time: number;
  bits: number;
  nonce: number;
  /** double-SHA256 of the 80 header bytes (internal byte order). */
  hash: Buffer;
}

export function isBlockInv(entry: InvEntry): boolean {
  return entry.type === INV_TYPE.block || entry.type === INV_TYPE.witnessBlock || entry.type === INV_TYPE.compactBlock || entry.type === INV_TYPE.filteredBlock;
}

/** Block hashes are shown reversed (big-endian hex), as every explorer does. */
export function displayHash(hash: Buffer): string {
  return Buffer.from(hash).reverse().toString('hex');
}

export function encodeInv(entries: InvEntry[]): Buffer {
  if (entries.length > MAX_INV_ENTRIES) throw new RangeError(`inv holds at most ${MAX_INV_ENTRIES} entries`);
  return Buffer.concat([encodeCompactSize(entries.length), ...entries.map((entry) => {
    if (entry.hash.length !== 32) throw new RangeError('inv hash must be 32 bytes');
    return Buffer.concat([u32le(entry.type), entry.hash]);
  })]);
}

export function decodeInv(payload: Buffer): InvEntry[] {
  const reader = new ByteReader(payload);
  const count = reader.boundedCount(MAX_INV_ENTRIES, 'entries');
  if (count * 36 > reader.remaining) throw new ProtocolError('truncated', `inv announces ${count} entries`);
  const entries: InvEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    const type = reader.u32le();
    entries.push({ type, hash: Buffer.from(reader.bytes(32)) });
  }
  return entries;
}

export interface HeaderFields {
  version: number;
  prevHash: Buffer;
  merkleRoot: Buffer;
  time: number;
  bits: number;
  nonce: number;
}

export function encodeBlockHeader(fields: HeaderFields): Buffer {
  if (fields.prevHash.length !== 32 || fields.merkleRoot.length !== 32) throw new RangeError('header hashes must be 32 bytes');
  const out = Buffer.alloc(BLOCK_HEADER_LENGTH);
  out.writeInt32LE(fields.version, 0);
  fields.prevHash.copy(out, 4);
  fields.merkleRoot.copy(out, 36);
  out.writeUInt32LE(fields.time >>> 0, 68);
  out.writeUInt32LE(fields.bits >>> 0, 72);
  out.writeUInt32LE(fields.nonce >>> 0, 76);
  return out;
}

export function blockHash(header80: Buffer): Buffer {
  return doubleSha256(header80);
}

/** `headers`: count, then 80-byte headers each followed by a transaction count that must be 0. */
export function encodeHeaders(headers: HeaderFields[]): Buffer {
  if (headers.length > MAX_HEADERS_ENTRIES) throw new RangeError(`headers holds at most ${MAX_HEADERS_ENTRIES} entries`);
  return Buffer.concat([encodeCompactSize(headers.length), ...headers.flatMap((header) => [encodeBlockHeader(header), Buffer.from([0])])]);
}

export function decodeHeaders(payload: Buffer): BlockHeader[] {
  const reader = new ByteReader(payload);
  const count = reader.boundedCount(MAX_HEADERS_ENTRIES, 'entries');
  if (count * (BLOCK_HEADER_LENGTH + 1) > reader.remaining) throw new ProtocolError('truncated', `headers announces ${count} entries`);
  const headers: BlockHeader[] = [];
  for (let index = 0; index < count; index += 1) {
    const raw = reader.bytes(BLOCK_HEADER_LENGTH);
    if (reader.compactSize() !== 0n) throw new ProtocolError('bad-field', 'headers entry with transactions');
    headers.push({
      version: raw.readInt32LE(0),
      prevHash: Buffer.from(raw.subarray(4, 36)),
      merkleRoot: Buffer.from(raw.subarray(36, 68)),
      time: raw.readUInt32LE(68),
      bits: raw.readUInt32LE(72),
      nonce: raw.readUInt32LE(76),
      hash: blockHash(raw),
    });
  }
  return headers;
}
