import { stringify } from 'csv-stringify/sync';

/**
 * CSV downloads (RFC 4180 via csv-stringify: CRLF rows, fields with commas, quotes or
 * line breaks quoted, quotes doubled). Text that starts with = + - @ (or a tab or
 * carriage return) would run as a formula in a spreadsheet — user agents and labels
 * come from strangers — so such a cell gets a leading apostrophe (OWASP's CSV
 * injection advice). Numbers are written as numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvCell = string | number | boolean | null | undefined;

export function csvCell(value: CsvCell): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? value : '';
  const text = String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return stringify([header.map(csvCell), ...rows.map((row) => row.map(csvCell))], { record_delimiter: 'windows', quoted_match: /[\r\n]/, cast: { number: String } });
}

/** A CSV attachment; `filename` is ASCII letters, digits, - _ . only. */
export function csvResponse(csv: string, filename: string): Response {
  const safeName = filename.replace(/[^A-Za-z0-9._-]/g, '_');
  return new Response(csv, {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${safeName}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
