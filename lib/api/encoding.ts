import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/**
 * Content negotiation for JSON answers (issue 13): brotli or gzip for clients that
 * send Accept-Encoding, identity otherwise. Pure parts (negotiation, per-encoding
 * ETags, If-None-Match) plus the compressors the API uses.
 */
export type ContentCoding = 'br' | 'gzip' | 'identity';

/**
 * Next.js drops Content-Encoding (and Content-Length) from route handler responses,
 * so an encoded body sent through it would reach the client unlabelled (and be
 * gzipped again). Our web server (scripts/web-server.ts) turns this header back into
 * Content-Encoding before the response starts; apiRoute encodes bodies only for
 * requests that came through it (socket-stamped), and sends identity otherwise
 * (plain `next start`, Vercel: the platform or Next.js compresses).
 */
export const ENCODING_RELAY_HEADER = 'x-peerscope-content-encoding';

const RESPONSE_BODIES = new WeakMap<Response, Buffer>();

/**
 * A response whose body is `body`, streamed without copying it (undici copies a
 * buffer given to new Response(), 8 MB per request for a snapshot answer), and
 * remembered so the web server's fast path can write the buffer itself.
 */
export function bufferResponse(body: Buffer | null, init: ResponseInit): Response {
  const stream =
    body === null
      ? null
      : new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(body);
            controller.close();
          },
        });
  const response = new Response(stream, init);
  if (body !== null) RESPONSE_BODIES.set(response, body);
  return response;
}

/** The buffer a bufferResponse() was made with (undefined for any other response). */
export function responseBuffer(response: Response): Buffer | undefined {
  return RESPONSE_BODIES.get(response);
}

/** Bodies smaller than this go out uncompressed (the framing costs more than it saves). */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * The coding to answer with, from an Accept-Encoding header (RFC 9110 §12.5.3):
 * br before gzip when both are acceptable with the same weight, a higher q-value
 * wins, q=0 refuses, `*` stands for any coding not named. Identity is always
 * possible (we never answer 406). Bounded work whatever the header holds.
 */
export function negotiateEncoding(header: string | null | undefined): ContentCoding {
  if (!header) return 'identity';
  const weights = new Map<string, number>();
  for (const part of header.slice(0, 1024).split(',').slice(0, 32)) {
    const [rawName, ...parameters] = part.split(';');
    const name = rawName!.trim().toLowerCase();
    if (!name) continue;
    let q = 1;
    for (const parameter of parameters) {
      const match = /^\s*q\s*=\s*(\S*)\s*$/i.exec(parameter);
      // An unreadable q-value counts as a refusal.
      if (match) q = /^[0-9.]{1,5}$/.test(match[1]!) ? Math.min(1, Number(match[1]) || 0) : 0;
    }
    weights.set(name === 'x-gzip' ? 'gzip' : name, q);
  }
  const weightOf = (coding: 'br' | 'gzip') => weights.get(coding) ?? weights.get('*') ?? 0;
  const br = weightOf('br');
  const gz = weightOf('gzip');
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return 'identity';
}

const SUFFIX: Record<ContentCoding, string> = { identity: '', gzip: '-gz', br: '-br' };

/**
 * The strong ETag of one representation: each coding of the same JSON gets its
 * own tag (RFC 9110 §8.8.3: different bytes, different strong validators). `base`
 * is the unquoted tag of the JSON.
 */
export function encodedEtag(base: string, coding: ContentCoding): string {
  return `"${base}${SUFFIX[coding]}"`;
}

/**
 * If-None-Match against a JSON answer whose identity tag is `base`: `*`, or any
 * listed tag naming one of its codings (a client that cached the gzip form may
 * revalidate while asking for br: the content is the same, so 304 is right).
 * W/ prefixes compare weakly, as If-None-Match requires.
 */
export function ifNoneMatchesJson(header: string | null, base: string): boolean {
  if (!header) return false;
  const trimmed = header.trim();
  if (trimmed === '*') return true;
  return trimmed
    .slice(0, 4096)
    .split(',')
    .some((candidate) => {
      const opaque = candidate.trim().replace(/^W\//, '');
      return opaque === `"${base}"` || opaque === `"${base}-gz"` || opaque === `"${base}-br"`;
    });
}

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export interface CompressionLevels {
  /** brotli quality 0–11 */
  brotli: number;
  /** gzip level 0–9 */
  gzip: number;
}

/** Per-request compression: fast levels (a 60 KB page in about a millisecond, off the event loop). */
export const DYNAMIC_LEVELS: CompressionLevels = { brotli: 4, gzip: 6 };
/** Once per snapshot or per cached answer: denser, still seconds at most for a 15 MB body. */
export const STORED_LEVELS: CompressionLevels = { brotli: 6, gzip: 9 };

/** Compresses `body` into `coding` (identity: the body itself). */
export async function compress(body: Buffer, coding: ContentCoding, levels: CompressionLevels = DYNAMIC_LEVELS): Promise<Buffer> {
  if (coding === 'identity') return body;
  if (coding === 'gzip') return gzipAsync(body, { level: levels.gzip });
  return brotliAsync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: levels.brotli,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
    },
  });
}
