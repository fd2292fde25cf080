/** Where an IP address is and who routes it, normalised from any supported geo database. */
export interface GeoInfo {
  city: string | null;
  region: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string | null;
  country_name: string | null;
  latitude: number | null;
  longitude: number | null;
  /** IANA time zone, e.g. "Europe/Zurich". */
  timezone: string | null;
  asn: number | null;
  organization_name: string | null;
  isp: string | null;
}

/** Synchronous lookups once opened; null for private, loopback, onion and unknown addresses. */
export interface GeoLookup {
  lookup(host: string): GeoInfo | null;
}
