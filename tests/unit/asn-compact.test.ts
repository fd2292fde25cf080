import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { AsnRangeTable } from '../../lib/geo/asn-ranges';
import { buildCompactAsn, CompactAsnTable, loadCompactAsn } from '../../lib/geo/asn-compact';
import { resolveGeoSources } from '../../lib/geo/reader';

const V4 = [
  '16777216,16777471,13335,"Cloudflare, Inc."',
  // Out of order on purpose: the block is sorted whatever the file's order.
  '16778240,16779263,38803,Gtelecom Pty Ltd',
  '16777472,16777727,0,',
  '3758096128,4294967295,64512,"Ünïcode ""quoted"" AS"',
].join('\n');
const V6 = [
  // 2001:db8::/32, then 2001:db8::1 alone (nested in it), then ::ffff:0:0/96 out of order.
  '42540766411282592856903984951653826560,42540766490510755371168322545197776895,15169,"Google ""LLC"""',
  '42540766411282592856903984951653826561,42540766411282592856903984951653826561,1,One address',
  '281470681743360,281474976710655,7,IPv4-mapped',
].join('\n');

describe('compact ASN block', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'peerscope-asn-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  const v4Path = path.join(folder, 'v4.csv');
  const v6Path = path.join(folder, 'v6.csv');
  writeFileSync(v4Path, `${V4}\n`);
  writeFileSync(v6Path, `${V6}\n`);

  it('answers exactly as the row table does, at every range edge and between ranges', async () => {
    const compact = new CompactAsnTable(await buildCompactAsn(v4Path, v6Path));
    const rows = AsnRangeTable.fromCsv(V4, V6);
    assert.deepEqual(compact.size, rows.size);
    const v4Probes = ['0.255.255.255', '1.0.0.0', '1.0.0.7', '1.0.0.255', '1.0.1.0', '1.0.1.255', '1.0.2.0', '1.0.3.255', '1.0.4.0', '1.0.7.255', '1.0.8.0', '224.0.0.0', '255.255.255.255'];
    for (const ip of v4Probes) assert.deepEqual(compact.lookupIpv4(ip), rows.lookupIpv4(ip), ip);
    const v6Probes = ['::', '::ffff:1.2.3.4', '::ffff:ffff:ffff', '::1:0:0:0', '2001:db8::', '2001:db8::1', '2001:db8::2', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db9::', 'ffff::1'];
    for (const ip of v6Probes) assert.deepEqual(compact.lookupIpv6(ip), rows.lookupIpv6(ip), ip);
    assert.deepEqual(compact.lookupIpv4('1.0.0.7'), { asn: 13335, organization: 'Cloudflare, Inc.' });
    assert.deepEqual(compact.lookupIpv4('1.0.1.7'), { asn: 0, organization: null }, 'an empty organization is null');
    assert.deepEqual(compact.lookupIpv4('240.0.0.1'), { asn: 64512, organization: 'Ünïcode "quoted" AS' });
    assert.deepEqual(compact.lookupIpv6('2001:db8::1'), { asn: 1, organization: 'One address' });
    assert.deepEqual(compact.lookupIpv6('::ffff:1.2.3.4'), { asn: 7, organization: 'IPv4-mapped' });
    assert.equal(compact.lookupIpv6('2001:db9::'), null);
  });

  it('is built once into the cache folder and read from it afterwards', async () => {
    const cache = path.join(folder, 'cache');
    const first = await loadCompactAsn(v4Path, v6Path, cache);
    const files = readdirSync(cache);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^asn-psasn001-[0-9a-f]{16}\.bin$/);
    const second = await loadCompactAsn(v4Path, v6Path, cache);
    assert.equal(second.byteLength, first.byteLength);
    assert.deepEqual(second.lookupIpv4('1.0.4.1'), first.lookupIpv4('1.0.4.1'));
    writeFileSync(path.join(cache, files[0]!), 'garbage');
    const rebuilt = await loadCompactAsn(v4Path, v6Path, cache);
    assert.deepEqual(rebuilt.lookupIpv4('1.0.4.1'), { asn: 38803, organization: 'Gtelecom Pty Ltd' }, 'a damaged cache file is rebuilt');
  });

  it('refuses a block that is not one or is cut short, and copes with an unaligned buffer', async () => {
    const block = await buildCompactAsn(v4Path, v6Path);
    assert.throws(() => new CompactAsnTable(Buffer.from('not an ASN block at all')), /not a Peerscope ASN block/);
    assert.throws(() => new CompactAsnTable(block.subarray(0, block.length - 5)), /truncated/);
    const shifted = Buffer.alloc(block.length + 1);
    block.copy(shifted, 1);
    assert.deepEqual(new CompactAsnTable(shifted.subarray(1)).lookupIpv4('1.0.0.1'), { asn: 13335, organization: 'Cloudflare, Inc.' });
  });

  it('holds the bundled data in about 13 MB and agrees with the row table on it', async () => {
    const sources = resolveGeoSources({});
    assert.equal(sources.asn.kind, 'csv');
    if (sources.asn.kind !== 'csv') return;
    const compact = await loadCompactAsn(sources.asn.ipv4, sources.asn.ipv6, path.join(folder, 'bundled'));
    assert.ok(compact.byteLength < 16 * 1024 * 1024, `${compact.byteLength} bytes`);
    const rows = await AsnRangeTable.load(sources.asn.ipv4, sources.asn.ipv6);
    assert.deepEqual(compact.size, rows.size);
    for (let index = 0; index < 2000; index += 1) {
      const ip = `${(index * 97) % 223 + 1}.${(index * 31) % 256}.${(index * 17) % 256}.${index % 256}`;
      assert.deepEqual(compact.lookupIpv4(ip), rows.lookupIpv4(ip), ip);
    }
    for (const ip of ['2001:4860:4860::8888', '2606:4700:4700::1111', '2a00:1450:4001:82a::200e', '2400:cb00::1', '::1']) {
      assert.deepEqual(compact.lookupIpv6(ip), rows.lookupIpv6(ip), ip);
    }
  });
});
