import { describeNul } from '../http/nul';
import type { z } from 'zod';

/** What Next.js hands a page as searchParams. */
export type RawSearchParams = Record<string, string | string[] | undefined>;

export type ParsedSearchParams<T> = { ok: true; data: T } | { ok: false; issues: string[] };

/**
 * Validates a page's search params with the API's zod schema. The first value of a
 * repeated key counts; empty values (blank form fields) count as absent.
 */
export function parseSearchParams<S extends z.ZodType>(schema: S, raw: RawSearchParams): ParsedSearchParams<z.infer<S>> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first.trim() !== '') flat[key] = first;
  }
  const nul = describeNul(flat);
  if (nul) return { ok: false, issues: [nul] };
  const result = schema.safeParse(flat);
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)),
  };
}

/** A link to `path` with the given query (undefined and empty values left out). */
export function hrefWith(path: string, query: Record<string, string | number | boolean | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}
