/**
 * The client and version of a user agent, parsed exactly as the database's
 * generated columns nodes.client_name / nodes.client_version do
 * (migration 20261126400000): the first component "/Name:1.2.3/" with a name of
 * 1-64 characters other than ":/()", and a version (the whole run of digits and
 * dots after the colon) of 1-4 dot-separated numbers of at most 6 digits.
 * Versions are padded to 4 numbers, so [27, 1, 0, 0] for "27.1".
 */
export interface ClientVersion {
  client: string;
  version: number[];
}

const USER_AGENT_VERSION = /^\/([^:/()]+):([0-9.]+)/;
/** In characters (code points), as PostgreSQL's length() counts them. */
const MAX_CLIENT_NAME = 64;
const VERSION_TEXT = /^[0-9]{1,6}(?:\.[0-9]{1,6}){0,3}$/;
export const VERSION_PARTS = 4;

function padded(parts: number[]): number[] {
  return [...parts, ...Array<number>(VERSION_PARTS - parts.length).fill(0)];
}

export function parseClientVersion(userAgent: string | null | undefined): ClientVersion | null {
  if (!userAgent) return null;
  const match = USER_AGENT_VERSION.exec(userAgent);
  if (!match || [...match[1]!].length > MAX_CLIENT_NAME || !VERSION_TEXT.test(match[2]!)) return null;
  return { client: match[1]!, version: padded(match[2]!.split('.').map(Number)) };
}

/** "27.1" → [27, 1, 0, 0]; null when it is not a version of 1-4 numbers. */
export function parseVersion(text: string): number[] | null {
  return VERSION_TEXT.test(text) ? padded(text.split('.').map(Number)) : null;
}

export function isVersionText(text: string): boolean {
  return VERSION_TEXT.test(text);
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** [27, 1, 0, 0] → "27.1.0" (trailing zeros beyond the third number dropped). */
export function formatVersion(version: readonly number[]): string {
  const parts = [...version];
  while (parts.length > 3 && parts.at(-1) === 0) parts.pop();
  return parts.join('.');
}
