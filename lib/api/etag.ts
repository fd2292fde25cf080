import { createHash } from 'node:crypto';

/**
 * Strong ETag of a serialised JSON answer. A leading top-level `timestamp` (the time
 * of the answer in nodes.json, stats.json, countries.json) is left out, so an
 * unchanged answer keeps its tag from one second to the next and a client
 * revalidating gets a 304.
 */
export function jsonEtag(json: string): string {
  const basis = json.replace(/^\{"timestamp":-?\d+,?/, '{');
  return `"${createHash('sha256').update(basis).digest('base64url').slice(0, 32)}"`;
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

/**
 * A JSON answer serialised (and tagged) once, to be sent many times: a handler that
 * returns one skips the per-request JSON.stringify and hashing (lib/api/route.ts).
 */
export class PreparedJson {
  readonly etag: string;
  constructor(readonly json: string) {
    this.etag = jsonEtag(json);
  }
  static of(value: unknown): PreparedJson {
    return new PreparedJson(JSON.stringify(value));
  }
}
