import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A JSON example copied from the AtlasP2P spec (tests/fixtures/spec/<name>.json). */
export function specExample<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(path.join('tests', 'fixtures', 'spec', `${name}.json`), 'utf8')) as T;
}

const jsonType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/**
 * Where `actual` drifts from the spec's `example`: every key of the example must be present at
 * every level with the same JSON type (extra keys are allowed). A null in the example stands for
 * "may be null" and accepts any type; arrays are checked element by element against the example's
 * first element and must not be empty when the example's is not (so nothing goes unchecked).
 * `nullable` lists paths (array indexes as []) that may be null although the example fills them.
 */
export function contractDrift(actual: unknown, example: unknown, options: { nullable?: string[] } = {}, at = '$'): string[] {
  if (example === null) return [];
  const expected = jsonType(example);
  const got = jsonType(actual);
  // Fields the spec shows filled that may be null here (say why at the call).
  if (got === 'null' && options.nullable?.includes(at.replace(/\[\d+\]/g, '[]'))) return [];
  if (expected !== got) return [`${at}: expected ${expected}, got ${got}`];
  if (Array.isArray(example)) {
    const items = actual as unknown[];
    if (example.length === 0) return [];
    if (items.length === 0) return [`${at}: empty array; the example has items, so the test must produce some`];
    return items.flatMap((item, index) => contractDrift(item, example[0], options, `${at}[${index}]`));
  }
  if (expected === 'object') {
    const object = actual as Record<string, unknown>;
    return Object.entries(example as Record<string, unknown>).flatMap(([key, value]) =>
      key in object ? contractDrift(object[key], value, options, `${at}.${key}`) : [`${at}.${key}: missing`],
    );
  }
  return [];
}
