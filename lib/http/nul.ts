/**
 * NUL characters: PostgreSQL text cannot hold U+0000, so a string carrying one fails deep
 * in a query (a 500) instead of at validation. Every parse layer (JSON bodies, query strings,
 * path parameters, dashboard search params) refuses them up front with this check.
 */
export const NUL_MESSAGE = 'must not contain NUL (\\u0000) characters';

/** The path of the first string (or object key) containing U+0000 in a parsed value, or null. */
export function findNul(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = findNul(value[index], [...path, index]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return [...path, key];
      const found = findNul(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/** "version: must not contain NUL …" for the first offending field, or null when clean. */
export function describeNul(value: unknown): string | null {
  const path = findNul(value);
  if (!path) return null;
  return `${path.length ? `${path.join('.').replace(/\u0000/g, '\\u0000')}: ` : ''}${NUL_MESSAGE}`;
}
