/**
 * Where demo nodes live: countries with a rough share of the real Bitcoin-family
 * node population, a city and its coordinates. Nodes scatter around the city.
 */
export interface DemoRegion {
  country: string;
  countryName: string;
  city: string;
  /** first-level subdivision (state, province), as geolocation names it; null for city states */
  region: string | null;
  latitude: number;
  longitude: number;
  timezone: string;
  weight: number;
  asn: number;
  organization: string;
}

export const DEMO_REGIONS: readonly DemoRegion[] = [
  { country: 'US', countryName: 'United States', city: 'Ashburn', region: 'Virginia', latitude: 39.04, longitude: -77.49, timezone: 'America/New_York', weight: 22, asn: 14618, organization: 'Amazon.com, Inc.' },
  { country: 'US', countryName: 'United States', city: 'San Jose', region: 'California', latitude: 37.34, longitude: -121.89, timezone: 'America/Los_Angeles', weight: 8, asn: 7922, organization: 'Comcast Cable Communications' },
  { country: 'DE', countryName: 'Germany', city: 'Frankfurt am Main', region: 'Hesse', latitude: 50.11, longitude: 8.68, timezone: 'Europe/Berlin', weight: 14, asn: 24940, organization: 'Hetzner Online GmbH' },
  { country: 'FR', countryName: 'France', city: 'Paris', region: 'Île-de-France', latitude: 48.86, longitude: 2.35, timezone: 'Europe/Paris', weight: 6, asn: 16276, organization: 'OVH SAS' },
  { country: 'NL', countryName: 'Netherlands', city: 'Amsterdam', region: 'North Holland', latitude: 52.37, longitude: 4.9, timezone: 'Europe/Amsterdam', weight: 5, asn: 14061, organization: 'DigitalOcean, LLC' },
  { country: 'GB', countryName: 'United Kingdom', city: 'London', region: 'England', latitude: 51.51, longitude: -0.13, timezone: 'Europe/London', weight: 4, asn: 5089, organization: 'Virgin Media Limited' },
  { country: 'CA', countryName: 'Canada', city: 'Toronto', region: 'Ontario', latitude: 43.65, longitude: -79.38, timezone: 'America/Toronto', weight: 4, asn: 812, organization: 'Rogers Communications' },
  { country: 'FI', countryName: 'Finland', city: 'Helsinki', region: 'Uusimaa', latitude: 60.17, longitude: 24.94, timezone: 'Europe/Helsinki', weight: 3, asn: 24940, organization: 'Hetzner Online GmbH' },
  { country: 'CH', countryName: 'Switzerland', city: 'Zurich', region: 'Zurich', latitude: 47.37, longitude: 8.54, timezone: 'Europe/Zurich', weight: 2, asn: 3303, organization: 'Swisscom (Schweiz) AG' },
  { country: 'SE', countryName: 'Sweden', city: 'Stockholm', region: 'Stockholm County', latitude: 59.33, longitude: 18.07, timezone: 'Europe/Stockholm', weight: 2, asn: 3301, organization: 'Telia Company AB' },
  { country: 'RU', countryName: 'Russia', city: 'Moscow', region: 'Moscow', latitude: 55.76, longitude: 37.62, timezone: 'Europe/Moscow', weight: 3, asn: 12389, organization: 'PJSC Rostelecom' },
  { country: 'JP', countryName: 'Japan', city: 'Tokyo', region: 'Tokyo', latitude: 35.68, longitude: 139.69, timezone: 'Asia/Tokyo', weight: 3, asn: 2516, organization: 'KDDI Corporation' },
  { country: 'SG', countryName: 'Singapore', city: 'Singapore', region: null, latitude: 1.35, longitude: 103.82, timezone: 'Asia/Singapore', weight: 2, asn: 16509, organization: 'Amazon.com, Inc.' },
  { country: 'CN', countryName: 'China', city: 'Hangzhou', region: 'Zhejiang', latitude: 30.27, longitude: 120.16, timezone: 'Asia/Shanghai', weight: 2, asn: 37963, organization: 'Alibaba (US) Technology Co., Ltd.' },
  { country: 'KR', countryName: 'South Korea', city: 'Seoul', region: 'Seoul', latitude: 37.57, longitude: 126.98, timezone: 'Asia/Seoul', weight: 1, asn: 4766, organization: 'Korea Telecom' },
  { country: 'AU', countryName: 'Australia', city: 'Sydney', region: 'New South Wales', latitude: -33.87, longitude: 151.21, timezone: 'Australia/Sydney', weight: 2, asn: 1221, organization: 'Telstra Corporation Ltd' },
  { country: 'BR', countryName: 'Brazil', city: 'São Paulo', region: 'São Paulo', latitude: -23.55, longitude: -46.63, timezone: 'America/Sao_Paulo', weight: 2, asn: 28573, organization: 'Claro NXT Telecomunicacoes Ltda' },
  { country: 'AR', countryName: 'Argentina', city: 'Buenos Aires', region: 'Buenos Aires F.D.', latitude: -34.6, longitude: -58.38, timezone: 'America/Argentina/Buenos_Aires', weight: 1, asn: 7303, organization: 'Telecom Argentina S.A.' },
  { country: 'IN', countryName: 'India', city: 'Mumbai', region: 'Maharashtra', latitude: 19.08, longitude: 72.88, timezone: 'Asia/Kolkata', weight: 1, asn: 9498, organization: 'Bharti Airtel Ltd.' },
  { country: 'ZA', countryName: 'South Africa', city: 'Johannesburg', region: 'Gauteng', latitude: -26.2, longitude: 28.05, timezone: 'Africa/Johannesburg', weight: 1, asn: 37611, organization: 'Afrihost (Pty) Ltd' },
  { country: 'NG', countryName: 'Nigeria', city: 'Lagos', region: 'Lagos', latitude: 6.52, longitude: 3.38, timezone: 'Africa/Lagos', weight: 0.5, asn: 29465, organization: 'MTN Nigeria' },
  { country: 'ES', countryName: 'Spain', city: 'Madrid', region: 'Madrid', latitude: 40.42, longitude: -3.7, timezone: 'Europe/Madrid', weight: 1.5, asn: 3352, organization: 'Telefonica de Espana' },
  { country: 'IT', countryName: 'Italy', city: 'Milan', region: 'Lombardy', latitude: 45.46, longitude: 9.19, timezone: 'Europe/Rome', weight: 1.5, asn: 3269, organization: 'Telecom Italia' },
  { country: 'PL', countryName: 'Poland', city: 'Warsaw', region: 'Mazovia', latitude: 52.23, longitude: 21.01, timezone: 'Europe/Warsaw', weight: 1, asn: 5617, organization: 'Orange Polska' },
  { country: 'UA', countryName: 'Ukraine', city: 'Kyiv', region: 'Kyiv City', latitude: 50.45, longitude: 30.52, timezone: 'Europe/Kyiv', weight: 1, asn: 15895, organization: 'Kyivstar PJSC' },
  { country: 'MX', countryName: 'Mexico', city: 'Mexico City', region: 'Mexico City', latitude: 19.43, longitude: -99.13, timezone: 'America/Mexico_City', weight: 0.7, asn: 8151, organization: 'Uninet S.A. de C.V.' },
  { country: 'NZ', countryName: 'New Zealand', city: 'Auckland', region: 'Auckland', latitude: -36.85, longitude: 174.76, timezone: 'Pacific/Auckland', weight: 0.5, asn: 9790, organization: 'Two Degrees Networks Limited' },
  { country: 'IS', countryName: 'Iceland', city: 'Reykjavík', region: 'Capital Region', latitude: 64.15, longitude: -21.94, timezone: 'Atlantic/Reykjavik', weight: 0.4, asn: 12969, organization: 'Vodafone Iceland' },
];

/** User agents with their protocol version and a relative share. */
export const DEMO_VERSIONS: readonly { userAgent: string; protocolVersion: number; weight: number }[] = [
  { userAgent: '/Satoshi:28.0.0/', protocolVersion: 70016, weight: 30 },
  { userAgent: '/Satoshi:27.1.0/', protocolVersion: 70016, weight: 22 },
  { userAgent: '/Satoshi:27.0.0/', protocolVersion: 70016, weight: 12 },
  { userAgent: '/Satoshi:26.0.0/', protocolVersion: 70016, weight: 10 },
  { userAgent: '/Satoshi:25.0.0/', protocolVersion: 70016, weight: 7 },
  { userAgent: '/Satoshi:24.0.1/', protocolVersion: 70016, weight: 5 },
  { userAgent: '/Satoshi:22.0.0/', protocolVersion: 70016, weight: 4 },
  { userAgent: '/Satoshi:0.21.1/', protocolVersion: 70016, weight: 3 },
  { userAgent: '/Satoshi:27.0.0/Knots:20240801/', protocolVersion: 70016, weight: 4 },
  { userAgent: '/btcd:0.24.2/', protocolVersion: 70016, weight: 1.5 },
  { userAgent: '/Satoshi:0.20.1/', protocolVersion: 70015, weight: 1.5 },
];
