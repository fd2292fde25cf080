/**
 * Small checks for the account forms in the browser. They only explain a mistake
 * before a request is made (the API validates everything again with its zod
 * schemas), so they stay tiny: zod in the browser cost the account pages ~25 KB
 * of gzipped JavaScript.
 */

/** A check of one trimmed form value: the message when it fails, else null. */
export type Check = (value: string) => string | null;
export interface FieldIssue<F extends string = string> {
  field: F;
  message: string;
}

export const required = (message: string): Check => (value) => (value === '' ? message : null);
export const maxLength = (max: number, message: string): Check => (value) => (value.length > max ? message : null);
export const minLength = (min: number, message: string): Check => (value) => (value.length < min ? message : null);
/** A whole number (digits only) from min to max. */
export const wholeNumber = (min: number, max: number, message: string): Check => (value) =>
  /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max ? null : message;
/** name@domain.tld, no spaces (the server has the final word). */
export const email = (message: string): Check => (value) => (/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(value) ? null : message);

/**
 * Checks the values field by field, trimmed except the fields in `asTyped` (passwords);
 * one issue per field (its first failing check), in the order given.
 */
export function checkFields<F extends string>(values: Record<F, unknown>, checks: Record<F, Check[]>, asTyped: F[] = []): {
  values: Record<F, string>;
  issues: FieldIssue<F>[];
} {
  const trimmed = {} as Record<F, string>;
  const issues: FieldIssue<F>[] = [];
  for (const field of Object.keys(checks) as F[]) {
    const raw = typeof values[field] === 'string' ? (values[field] as string) : '';
    const value = asTyped.includes(field) ? raw : raw.trim();
    trimmed[field] = value;
    for (const check of checks[field]) {
      const message = check(value);
      if (message) {
        issues.push({ field, message });
        break;
      }
    }
  }
  return { values: trimmed, issues };
}
