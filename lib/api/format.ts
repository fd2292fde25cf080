/**
 * Output formats shared by every API response.
 * Times are unix seconds (integers) everywhere, as Bitnodes does; null when unknown.
 */

export function unixSeconds(value: Date | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

/** uint64 service bits (numeric(20,0), a decimal string from the driver) as 16 zero-padded hex digits. */
export function servicesHex(services: string | number | bigint | null | undefined): string | null {
  if (services === null || services === undefined || services === '') return null;
  const value = BigInt(services);
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn) return null;
  return value.toString(16).padStart(16, '0');
}

/** Service bits as a JSON number (Bitnodes v1). Exact up to 2^53; higher bits lose precision. */
export function servicesNumber(services: string | number | bigint | null | undefined): number | null {
  if (services === null || services === undefined || services === '') return null;
  return Number(services);
}

/** "AS13030", as Bitnodes writes ASNs. */
export function asnLabel(asn: number | null | undefined): string | null {
  return asn === null || asn === undefined ? null : `AS${asn}`;
}

/** Rounds a float for output (averages, percentages); null stays null. */
export function round(value: number | string | null | undefined, digits = 2): number | null {
  if (value === null || value === undefined) return null;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number)) return null;
  const factor = 10 ** digits;
  return Math.round(number * factor) / factor;
}
