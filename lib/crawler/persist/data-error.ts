/**
 * Whether a database error is about the data written (a row the database
 * refuses: NUL in text, a number out of range, a constraint) rather than the
 * database being unavailable. SQLSTATE classes 22 (data exception) and 23
 * (integrity constraint violation); an error without a SQLSTATE (connection
 * refused, socket closed) is an outage.
 */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23)[0-9A-Z]{3}$/.test(code);
}
