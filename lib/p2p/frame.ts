/**
 * Message framing: the 24-byte header (magic, 12-byte command, payload
 * length, double-SHA256 checksum) and a streaming decoder that turns TCP
 * chunks into complete frames without unbounded buffering.
 */
import { createHash } from 'node:crypto';
import { ProtocolError } from './errors';

export const HEADER_LENGTH = 24;
/** Bitcoin Core's MAX_PROTOCOL_MESSAGE_LENGTH. */
export const MAX_PROTOCOL_PAYLOAD = 4_000_000;

export interface Frame {
  command: string;
  payload: Buffer;
}

export function doubleSha256(data: Buffer): Buffer {
  return createHash('sha256').update(createHash('sha256').update(data).digest()).digest();
}

export function checksumOf(payload: Buffer): Buffer {
  return doubleSha256(payload).subarray(0, 4);
}

export function magicBytes(magicHex: string): Buffer {
  if (!/^[0-9a-f]{8}$/i.test(magicHex)) throw new RangeError(`magic must be 8 hex characters, got ${JSON.stringify(magicHex)}`);
  return Buffer.from(magicHex, 'hex');
}

export function encodeCommand(command: string): Buffer {
  if (!/^[\x21-\x7e]{1,12}$/.test(command)) throw new RangeError(`bad command name ${JSON.stringify(command)}`);
  const out = Buffer.alloc(12);
  out.write(command, 'ascii');
  return out;
}

/** Parses the NUL-padded command field; anything else (non-printable, data after NUL) is a protocol error. */
export function decodeCommand(field: Buffer): string {
  let end = field.indexOf(0);
  if (end < 0) end = field.length;
  for (let index = 0; index < field.length; index += 1) {
    const byte = field[index]!;
    if (index < end ? byte < 0x21 || byte > 0x7e : byte !== 0) throw new ProtocolError('bad-command');
  }
  if (end === 0) throw new ProtocolError('bad-command', 'empty');
  return field.toString('ascii', 0, end);
}

export function encodeFrame(magic: Buffer, command: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
  magic.copy(header, 0);
  encodeCommand(command).copy(header, 4);
  header.writeUInt32LE(payload.length, 16);
  checksumOf(payload).copy(header, 20);
  return Buffer.concat([header, payload]);
}

export interface FrameDecoderOptions {
  magic: Buffer;
  /** Payloads announced above this are rejected from the header alone. Default MAX_PROTOCOL_PAYLOAD. */
  maxPayloadBytes?: number;
}

/**
 * Accumulates bytes and yields complete frames. Holds at most one header
 * plus one payload of at most maxPayloadBytes: an oversized length is
 * rejected as soon as its header arrives, before any payload is buffered.
 * After an error the decoder stays failed (the connection should be dropped).
 */
export class FrameDecoder {
  private readonly magic: Buffer;
  private readonly maxPayloadBytes: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private pendingHeader: { command: string; length: number; checksum: Buffer } | null = null;
  private failure: ProtocolError | null = null;

  constructor(options: FrameDecoderOptions) {
    this.magic = options.magic;
    this.maxPayloadBytes = Math.min(options.maxPayloadBytes ?? MAX_PROTOCOL_PAYLOAD, 0xffffffff);
  }

  /** Bytes currently held, for memory accounting in tests. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): Frame[] {
    if (this.failure) throw this.failure;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Frame[] = [];
    try {
      for (;;) {
        if (!this.pendingHeader) {
          if (this.buffered < HEADER_LENGTH) break;
          this.pendingHeader = this.readHeader(this.take(HEADER_LENGTH));
        }
        const { command, length, checksum } = this.pendingHeader;
        if (this.buffered < length) break;
        const payload = this.take(length);
        this.pendingHeader = null;
        if (!checksumOf(payload).equals(checksum)) throw new ProtocolError('bad-checksum', command);
        frames.push({ command, payload });
      }
    } catch (error) {
      this.failure = error instanceof ProtocolError ? error : new ProtocolError('bad-field', String(error));
      this.chunks = [];
      this.buffered = 0;
      throw this.failure;
    }
    return frames;
  }

  private readHeader(header: Buffer): { command: string; length: number; checksum: Buffer } {
    if (!header.subarray(0, 4).equals(this.magic)) throw new ProtocolError('bad-magic', header.subarray(0, 4).toString('hex'));
    const command = decodeCommand(header.subarray(4, 16));
    const length = header.readUInt32LE(16);
    if (length > this.maxPayloadBytes) throw new ProtocolError('oversized-payload', `${command} announces ${length} bytes > ${this.maxPayloadBytes}`);
    return { command, length, checksum: Buffer.from(header.subarray(20, 24)) };
  }

  private take(length: number): Buffer {
    if (length === 0) return Buffer.alloc(0);
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= length) {
      out = first.subarray(0, length);
      if (first.length === length) this.chunks.shift();
      else this.chunks[0] = first.subarray(length);
    } else {
      out = Buffer.allocUnsafe(length);
      let written = 0;
      while (written < length) {
        const chunk = this.chunks[0]!;
        const wanted = Math.min(chunk.length, length - written);
        chunk.copy(out, written, 0, wanted);
        written += wanted;
        if (wanted === chunk.length) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(wanted);
      }
    }
    this.buffered -= length;
    return out;
  }
}
