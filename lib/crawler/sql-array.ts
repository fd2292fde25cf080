/**
 * Serialises a JS array as a PostgreSQL array literal ('{"a","b",NULL}') to
 * pass as one text parameter and cast in SQL (`${pgArray(xs)}::int[]`). Batched
 * statements use it with unnest(): one parameter per column whatever the row
 * count, and no dependence on the driver's array type inference.
 */
export type PgArrayValue = string | number | bigint | boolean | Date | null | undefined;

function escapeElement(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function pgArray(values: readonly PgArrayValue[]): string {
  const parts = new Array<string>(values.length);
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (value === null || value === undefined) parts[index] = 'NULL';
    else if (value instanceof Date) parts[index] = escapeElement(value.toISOString());
    else if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new RangeError(`Cannot store the non-finite number ${value}`);
      parts[index] = String(value);
    } else parts[index] = escapeElement(String(value));
  }
  return `{${parts.join(',')}}`;
}
