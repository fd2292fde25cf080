import { ProtocolError } from './errors';
import { wireText } from './text';

/** Bounds-checked cursor over a payload; every read past the end throws ProtocolError('truncated'). */
export class ByteReader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  bytes(length: number): Buffer {
    if (!Number.isInteger(length) || length < 0 || length > this.remaining) {
      throw new ProtocolError('truncated', `wanted ${length} bytes, ${this.remaining} left`);
    }
    const slice = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  u8(): number {
    return this.bytes(1)[0]!;
  }
  u16be(): number {
    return this.bytes(2).readUInt16BE(0);
  }
  u16le(): number {
    return this.bytes(2).readUInt16LE(0);
  }
  u32le(): number {
    return this.bytes(4).readUInt32LE(0);
  }
  i32le(): number {
    return this.bytes(4).readInt32LE(0);
  }
  u64le(): bigint {
    return this.bytes(8).readBigUInt64LE(0);
  }
  i64le(): bigint {
    return this.bytes(8).readBigInt64LE(0);
  }

  /** Bitcoin's CompactSize; rejects non-canonical encodings like Bitcoin Core does. */
  compactSize(): bigint {
    const first = this.u8();
    if (first < 0xfd) return BigInt(first);
    if (first === 0xfd) {
      const value = this.bytes(2).readUInt16LE(0);
      if (value < 0xfd) throw new ProtocolError('non-canonical-compactsize');
      return BigInt(value);
    }
    if (first === 0xfe) {
      const value = this.u32le();
      if (value <= 0xffff) throw new ProtocolError('non-canonical-compactsize');
      return BigInt(value);
    }
    const value = this.u64le();
    if (value <= 0xffffffffn) throw new ProtocolError('non-canonical-compactsize');
    return value;
  }

  /** A CompactSize used as a count or length, rejected when above `max` (before anything is allocated). */
  boundedCount(max: number, what: string): number {
    const value = this.compactSize();
    if (value > BigInt(max)) {
      throw new ProtocolError(what === 'entries' ? 'too-many-entries' : 'string-too-long', `${what} ${value} > ${max}`);
    }
    return Number(value);
  }

  varBytes(maxLength: number): Buffer {
    return this.bytes(this.boundedCount(maxLength, 'length'));
  }

  /** A length-prefixed string, sanitised (see wireText): never holds NUL, control characters or invalid UTF-8. */
  varStr(maxLength: number): string {
    return wireText(this.varBytes(maxLength));
  }
}

export function encodeCompactSize(value: number | bigint): Buffer {
  const n = BigInt(value);
  if (n < 0n) throw new RangeError('compactSize must be non-negative');
  if (n < 0xfdn) return Buffer.from([Number(n)]);
  if (n <= 0xffffn) {
    const out = Buffer.alloc(3);
    out[0] = 0xfd;
    out.writeUInt16LE(Number(n), 1);
    return out;
  }
  if (n <= 0xffffffffn) {
    const out = Buffer.alloc(5);
    out[0] = 0xfe;
    out.writeUInt32LE(Number(n), 1);
    return out;
  }
  const out = Buffer.alloc(9);
  out[0] = 0xff;
  out.writeBigUInt64LE(n, 1);
  return out;
}

export function encodeVarBytes(bytes: Buffer): Buffer {
  return Buffer.concat([encodeCompactSize(bytes.length), bytes]);
}

export function encodeVarStr(text: string): Buffer {
  return encodeVarBytes(Buffer.from(text, 'utf8'));
}

export function u16be(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value, 0);
  return out;
}
export function u32le(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(value >>> 0, 0);
  return out;
}
export function i32le(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeInt32LE(value | 0, 0);
  return out;
}
export function u64le(value: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(BigInt.asUintN(64, value), 0);
  return out;
}
export function i64le(value: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigInt64LE(BigInt.asIntN(64, value), 0);
  return out;
}
