/** Display formats of the dashboard (server-rendered, so fixed to en and UTC). */
const integer = new Intl.NumberFormat('en');
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const dateOnly = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

export const DASH = '—';

export function formatInteger(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : integer.format(value);
}

export function formatDecimal(value: number | null | undefined, unit = ''): string {
  return value === null || value === undefined ? DASH : `${decimal.format(value)}${unit}`;
}

export function formatPercent(value: number | null | undefined): string {
  return formatDecimal(value, '%');
}

/** Unix seconds as "24 Nov 2026, 15:04 UTC". */
export function formatUnix(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? DASH : `${dateTime.format(new Date(seconds * 1000))} UTC`;
}

export function formatDay(ms: number): string {
  return dateOnly.format(new Date(ms));
}

/** Seconds as "3 h 20 min", "2 d 4 h", "45 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** "203.0.113.5:8333" / "[2001:db8::1]:8333" → the /nodes/[id] path segment "203.0.113.5-8333". */
export function nodePath(address: string): string {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return `/nodes/${encodeURIComponent(host)}-${address.slice(colon + 1)}`;
}
