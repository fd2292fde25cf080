export { AsnRangeTable, type AsnRecord } from './asn-ranges';
export { isPublicIp, normaliseIp } from './ip';
export { countryNameOf, normaliseAsnRecord, normaliseCityRecord } from './normalise';
export { GeoReader, getGeoLookup, openGeoLookup, resolveGeoSources, type GeoSources } from './reader';
export type { GeoInfo, GeoLookup } from './types';
