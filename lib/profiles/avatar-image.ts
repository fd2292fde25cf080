import { createHash } from 'node:crypto';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { HttpError } from '../http/http-error';

/**
 * Avatar uploads: the bytes are recognised by their magic numbers (never by a declared
 * type or file name), decoded by libvips (sharp) with a pixel limit against decompression
 * bombs, and re-encoded from pixels into a fresh 256×256 PNG. Nothing of the upload but its
 * pixels survives: metadata (EXIF, XMP, ICC, text chunks), trailing bytes and any polyglot
 * payload are gone, so what we serve is a plain image whatever was sent.
 */
export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;
export const AVATAR_SIZE = 256;
/** Largest decoded image accepted (pixels): 25 megapixels. */
export const AVATAR_MAX_INPUT_PIXELS = 25_000_000;

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif';

sharp.cache(false);
sharp.concurrency(1);

/** The image format announced by the first bytes, or null. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  const starts = (signature: number[], offset = 0) => signature.every((byte, index) => bytes[offset + index] === byte);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  if (starts([0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) return 'gif';
  return null;
}

export interface ProcessedAvatar {
  png: Buffer;
  sha256: string;
  width: number;
  height: number;
  sourceFormat: ImageFormat;
}

const unsupported = () =>
  new HttpError(415, 'Unsupported image', 'The avatar must be a PNG, JPEG, WebP or GIF image (recognised by its content, not its name or type).');
const tooManyPixels = () => new HttpError(413, 'Image too large', `The image must have at most ${AVATAR_MAX_INPUT_PIXELS / 1_000_000} megapixels.`);
const undecodable = (why: string) => new HttpError(422, 'Invalid image', `The image could not be decoded: ${why}`);
const decodeFailure = (error: unknown) => (/pixel limit/i.test(String((error as Error)?.message)) ? tooManyPixels() : undecodable(shortReason(error)));

/** Checks and re-encodes an uploaded avatar; 413/415/422 HttpErrors for what cannot be one. */
export async function processAvatar(bytes: Uint8Array): Promise<ProcessedAvatar> {
  if (bytes.byteLength === 0) throw new HttpError(400, 'Invalid request', 'The image is empty.');
  if (bytes.byteLength > AVATAR_MAX_BYTES) throw new HttpError(413, 'Payload too large', `The image must be at most ${AVATAR_MAX_BYTES / 1024 / 1024} MiB.`);
  const format = sniffImageFormat(bytes);
  if (!format) throw unsupported();
  const input = sharp(bytes, { limitInputPixels: AVATAR_MAX_INPUT_PIXELS, failOn: 'warning', animated: false, sequentialRead: true });
  let metadata: Metadata;
  try {
    metadata = await input.metadata();
  } catch (error) {
    throw decodeFailure(error);
  }
  // libvips must read the same format the magic bytes announced (no SVG/TIFF/HEIF smuggled in).
  if (metadata.format !== format) throw unsupported();
  if (!metadata.width || !metadata.height) throw undecodable('it has no size');
  if (metadata.width * metadata.height > AVATAR_MAX_INPUT_PIXELS) throw tooManyPixels();
  let output: { data: Buffer; info: OutputInfo };
  try {
    output = await input
      .rotate() // EXIF orientation, applied to the pixels before the metadata is dropped
      .resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover', position: 'attention' })
      .toColourspace('srgb')
      .png({ compressionLevel: 9, adaptiveFiltering: true, palette: false })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeFailure(error);
  }
  return {
    png: output.data,
    sha256: createHash('sha256').update(output.data).digest('hex'),
    width: output.info.width,
    height: output.info.height,
    sourceFormat: format,
  };
}

function shortReason(error: unknown): string {
  const message = String((error as Error)?.message ?? error).split('\n')[0]!.replace(/[^\x20-\x7e]/g, '').slice(0, 160);
  return message || 'unknown error';
}

/** Decodes the upload field: plain base64 or a data: URL (whose declared type is ignored). */
export function decodeImageField(value: string): Uint8Array {
  const payload = value.startsWith('data:') ? value.slice(value.indexOf(',') + 1) : value;
  const compact = payload.replace(/\s+/g, '');
  if (Math.floor((compact.length * 3) / 4) > AVATAR_MAX_BYTES + 2) {
    throw new HttpError(413, 'Payload too large', `The image must be at most ${AVATAR_MAX_BYTES / 1024 / 1024} MiB.`);
  }
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw new HttpError(400, 'Invalid request', 'Validation failed: image: must be base64 (or a data: URL)');
  }
  return Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64');
}
