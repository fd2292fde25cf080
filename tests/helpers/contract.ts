import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/**
 * Contract checks: a live JSON answer against a JSON example copied from the spec
 * (tests/fixtures/spec/*.json). Same keys at every level (no missing, no renamed;
 * extra keys only where allowed), same JSON types. Values never matter.
 *
 * Paths name places in the document: `nodes` (a key), `historical_data[]` (every
 * element of an array), `nodes.*` (every value of an object keyed by data, such as
 * addresses or country codes). The root is ``.
 */
export interface ContractOptions {
  /**
   * Objects keyed by data (e.g. `nodes`, `countries_distribution`): their keys are not
   * compared; every live value is held against the fixture's first value.
   */
  maps?: string[];
  /** Places where the live answer may be null although the example shows a value. */
  nullable?: string[];
  /** Arrays and maps that may be empty live although the example has elements. */
  allowEmpty?: string[];
  /** Objects that may carry keys the example does not show (extensions of the spec). */
  extensible?: string[];
}

type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

function jsonType(value: unknown): JsonType | 'invalid' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
    case 'number':
    case 'string':
      return value === value ? (typeof value as JsonType) : 'invalid';
    case 'object':
      return 'object';
    default:
      return 'invalid';
  }
}

const join = (base: string, key: string) => (base ? `${base}.${key}` : key);

/** Every difference between the example's shape and the live answer's; empty when they agree. */
export function contractDrift(example: unknown, live: unknown, options: ContractOptions = {}): string[] {
  const maps = new Set(options.maps ?? []);
  const nullable = new Set(options.nullable ?? []);
  const allowEmpty = new Set(options.allowEmpty ?? []);
  const extensible = new Set(options.extensible ?? []);
  const drift: string[] = [];
  const shown = (p: string) => p || '(root)';

  const walk = (expected: unknown, actual: unknown, at: string): void => {
    const want = jsonType(expected);
    const got = jsonType(actual);
    if (got === 'invalid') {
      drift.push(`${shown(at)}: not a JSON value (${String(actual)})`);
      return;
    }
    // A null in the example documents a nullable field of unstated type: any JSON value is fine.
    if (want === 'null') return;
    if (got === 'null' && nullable.has(at)) return;
    if (want !== got) {
      drift.push(`${shown(at)}: expected ${want}, got ${got}`);
      return;
    }
    if (want === 'array') {
      const [template] = expected as unknown[];
      const items = actual as unknown[];
      if (template === undefined) return;
      if (items.length === 0 && !allowEmpty.has(at)) drift.push(`${shown(at)}: empty, so its elements cannot be checked`);
      for (const item of items) walk(template, item, `${at}[]`);
      return;
    }
    if (want !== 'object') return;
    const expectedObject = expected as Record<string, unknown>;
    const actualObject = actual as Record<string, unknown>;
    if (maps.has(at)) {
      const [template] = Object.values(expectedObject);
      const values = Object.values(actualObject);
      if (template === undefined) return;
      if (values.length === 0 && !allowEmpty.has(at)) drift.push(`${shown(at)}: empty, so its values cannot be checked`);
      for (const value of values) walk(template, value, `${at}.*`);
      return;
    }
    for (const key of Object.keys(expectedObject)) {
      if (!(key in actualObject)) drift.push(`${join(at, key)}: missing`);
      else walk(expectedObject[key], actualObject[key], join(at, key));
    }
    if (!extensible.has(at)) {
      for (const key of Object.keys(actualObject)) {
        if (!(key in expectedObject)) drift.push(`${join(at, key)}: not in the spec`);
      }
    }
  };

  walk(example, live, '');
  return drift;
}

/** Fails with every difference listed. */
export function assertMatchesContract(example: unknown, live: unknown, options: ContractOptions = {}, label = 'response'): void {
  const drift = contractDrift(example, live, options);
  assert.deepEqual(drift, [], `${label} drifted from the spec:\n  ${drift.join('\n  ')}`);
}

/** A spec example from tests/fixtures/spec/: `specExample('health')` or `specExample('nodes.json')`. */
export function specExample<T = unknown>(name: string): T {
  const file = name.endsWith('.json') ? name : `${name}.json`;
  return JSON.parse(readFileSync(new URL(`../fixtures/spec/${file}`, import.meta.url), 'utf8')) as T;
}
