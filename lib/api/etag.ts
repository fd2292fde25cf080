import { createHash } from 'node:crypto';
import { compress, STORED_LEVELS, DYNAMIC_LEVELS, type CompressionLevels, type ContentCoding } from './encoding';

const LEADING_TIMESTAMP = /^\{"timestamp":-?\d+,?/;

/** The unquoted tag of a serialised JSON answer (see jsonEtag). */
export function jsonTag(json: string): string {
  const basis = json.replace(LEADING_TIMESTAMP, '{');
  return createHash('sha256').update(basis).digest('base64url').slice(0, 32);
}

/**
 * Strong ETag of a serialised JSON answer. A leading top-level `timestamp` (the time
 * of the answer in nodes.json, stats.json, countries.json) is left out, so an
 * unchanged answer keeps its tag from one second to the next and a client
 * revalidating gets a 304.
 */
export function jsonEtag(json: string): string {
  return `"${jsonTag(json)}"`;
}

/** RFC 9110 If-None-Match: `*` or a list of tags, compared weakly (W/ ignored). */
export function ifNoneMatchHits(header: string | null, etag: string): boolean {
  if (!header) return false;
  const trimmed = header.trim();
  if (trimmed === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return trimmed
    .slice(0, 4096)
    .split(',')
    .some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}

type FormSource = Buffer | (() => Promise<Buffer>);

export interface PreparedJsonOptions {
  /** The unquoted tag when already known (stored with the body); else hashed from it. */
  tag?: string;
  /** Compressed forms already made, or loaders for them (a stored snapshot body). */
  forms?: Partial<Record<Exclude<ContentCoding, 'identity'>, FormSource>>;
  /** Levels for the forms made here. */
  levels?: CompressionLevels;
}

/**
 * A JSON answer serialised (and tagged) once, to be sent many times: a handler that
 * returns one skips the per-request JSON.stringify and hashing (lib/api/route.ts),
 * and each compressed form is made once, on first demand, and kept with it.
 */
export class PreparedJson {
  /** The unquoted identity tag; encodedEtag() derives the tag of each coding. */
  readonly tag: string;
  readonly bytes: Buffer;
  private readonly forms = new Map<ContentCoding, Promise<Buffer>>();
  private readonly sources: PreparedJsonOptions['forms'];
  private readonly levels: CompressionLevels;

  constructor(json: string | Buffer, options: PreparedJsonOptions = {}) {
    this.bytes = typeof json === 'string' ? Buffer.from(json) : json;
    this.tag = options.tag ?? (typeof json === 'string' ? jsonTag(json) : bytesTag(json));
    this.sources = options.forms;
    this.levels = options.levels ?? DYNAMIC_LEVELS;
  }

  /** The quoted identity ETag. */
  get etag(): string {
    return `"${this.tag}"`;
  }

  get json(): string {
    return this.bytes.toString('utf8');
  }

  get byteLength(): number {
    return this.bytes.byteLength;
  }

  /** The body in `coding`, made (or loaded) once. */
  body(coding: ContentCoding): Promise<Buffer> {
    if (coding === 'identity') return Promise.resolve(this.bytes);
    let form = this.forms.get(coding);
    if (!form) {
      const source = this.sources?.[coding];
      form = source === undefined ? compress(this.bytes, coding, this.levels) : typeof source === 'function' ? source() : Promise.resolve(source);
      this.forms.set(coding, form);
      form.catch(() => this.forms.delete(coding));
    }
    return form;
  }

  static of(value: unknown): PreparedJson {
    return new PreparedJson(JSON.stringify(value));
  }

  /** For answers cached and served many times: compressed forms at the denser levels. */
  static cached(value: unknown): PreparedJson {
    return new PreparedJson(JSON.stringify(value), { levels: STORED_LEVELS });
  }
}

function bytesTag(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64url').slice(0, 32);
}

/**
 * An answer that starts with `{"timestamp":<now>,` and is otherwise fixed until the
 * data changes (stats.json, countries.json): the rest is serialised and tagged once,
 * and the full body (with its compressed forms) is made at most once per second.
 */
export class TimestampedJson {
  readonly tag: string;
  private readonly rest: string;
  private current: { second: number; prepared: PreparedJson } | null = null;

  /** `value` must be an object whose first key is `timestamp`. */
  constructor(value: { timestamp: number } & Record<string, unknown>) {
    const json = JSON.stringify(value);
    const match = LEADING_TIMESTAMP.exec(json);
    if (!match) throw new Error('TimestampedJson needs an object whose first key is timestamp');
    this.rest = json.slice(match[0].length);
    this.tag = jsonTag(json);
  }

  at(now: Date = new Date()): PreparedJson {
    const second = Math.floor(now.getTime() / 1000);
    if (this.current?.second !== second) {
      const json = this.rest === '}' ? `{"timestamp":${second}}` : `{"timestamp":${second},${this.rest}`;
      this.current = { second, prepared: new PreparedJson(json, { tag: this.tag, levels: STORED_LEVELS }) };
    }
    return this.current.prepared;
  }
}
