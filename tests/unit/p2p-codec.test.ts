import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  addressFromIp16,
  formatIPv6,
  i2pFromHash,
  onionFromPubkey,
  parseIPv6,
  parsePeerAddress,
  pubkeyFromOnion,
} from '../../lib/p2p/address';
import { ByteReader, encodeCompactSize } from '../../lib/p2p/bytes';
import { ProtocolError } from '../../lib/p2p/errors';
import { encodeFrame, FrameDecoder, HEADER_LENGTH, magicBytes } from '../../lib/p2p/frame';
import {
  decodeAddr,
  decodeAddrV2,
  decodeMessage,
  decodeVersion,
  encodeAddr,
  encodeAddrV2,
  encodeVersion,
  MAX_ADDR_ENTRIES,
  type AddrEntry,
} from '../../lib/p2p/messages';
import { randomBuffer, seededRandom } from '../helpers/random';

const BITCOIN_MAGIC = magicBytes('f9beb4d9');
const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** A version payload written out field by field, independent of the encoder. */
const VERSION_VECTOR = Buffer.concat(
  [
    ['80110100', 'protocol 70016'],
    ['0900000000000000', 'services NODE_NETWORK | NODE_WITNESS'],
    ['00f1536500000000', 'timestamp 1700000000'],
    ['0000000000000000 00000000000000000000ffff7f000001 208d', 'addr_recv 127.0.0.1:8333'],
    ['0900000000000000 00000000000000000000ffff00000000 0000', 'addr_from 0.0.0.0:0'],
    ['0807060504030201', 'nonce'],
    ['10 2f5361746f7368693a32372e302e302f', 'user agent /Satoshi:27.0.0/'],
    ['40d10c00', 'start height 840000'],
    ['01', 'relay'],
  ].map(([bytes]) => hex(bytes!)),
);

function expectProtocolError(fn: () => unknown, code?: ProtocolError['code']) {
  assert.throws(fn, (error: unknown) => error instanceof ProtocolError && (code === undefined || error.code === code));
}

describe('compactSize and var_str', () => {
  it('round-trips the boundary values', () => {
    for (const value of [0n, 1n, 0xfcn, 0xfdn, 0xffffn, 0x10000n, 0xffffffffn, 0x100000000n, 0xffffffffffffffffn]) {
      assert.equal(new ByteReader(encodeCompactSize(value)).compactSize(), value);
    }
    assert.deepEqual(encodeCompactSize(0xfd), hex('fdfd00'));
  });
  it('rejects non-canonical encodings and truncation', () => {
    expectProtocolError(() => new ByteReader(hex('fd1000')).compactSize(), 'non-canonical-compactsize');
    expectProtocolError(() => new ByteReader(hex('fe0000ffff'.slice(0, 8))).compactSize(), 'truncated');
    expectProtocolError(() => new ByteReader(hex('ffffffffff00000000')).compactSize(), 'non-canonical-compactsize');
  });
  it('caps var_str lengths before reading', () => {
    expectProtocolError(() => new ByteReader(hex('feffffffff41')).varStr(256), 'string-too-long');
    assert.equal(new ByteReader(hex('03616263')).varStr(256), 'abc');
  });
  it('makes wire text safe at decode: NUL, C0 controls, DEL and invalid UTF-8 are removed, real UTF-8 kept', () => {
    const text = (bytes: Buffer) => new ByteReader(Buffer.concat([encodeCompactSize(bytes.length), bytes])).varStr(256);
    assert.equal(text(Buffer.from('/Evil\x00Core:1.0/', 'latin1')), '/EvilCore:1.0/');
    assert.equal(text(Buffer.from('/a\x01\x1b[31m\x7fb\n/', 'latin1')), '/a[31mb/');
    assert.equal(text(Buffer.concat([Buffer.from('/x'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('y/')])), '/x(y/');
    assert.equal(text(Buffer.from('/Bücher:1.0/')), '/Bücher:1.0/');
    const version = decodeVersion(
      encodeVersion({ protocolVersion: 70016, userAgent: '/Evil\u0000Core:1.0/', startHeight: 5 }),
    );
    assert.equal(version.userAgent, '/EvilCore:1.0/');
  });
});

describe('addresses', () => {
  it('formats IPv6 canonically and maps IPv4-mapped to ipv4', () => {
    assert.equal(formatIPv6(parseIPv6('2001:0db8:0000:0000:0000:0000:0000:0001')), '2001:db8::1');
    assert.equal(formatIPv6(parseIPv6('2001:db8:0:0:1:0:0:1')), '2001:db8::1:0:0:1');
    assert.equal(formatIPv6(parseIPv6('::')), '::');
    assert.equal(formatIPv6(parseIPv6('::1')), '::1');
    assert.equal(formatIPv6(parseIPv6('fe80::')), 'fe80::');
    assert.deepEqual(addressFromIp16(parseIPv6('::ffff:1.2.3.4'), 8333), { host: '1.2.3.4', port: 8333, network: 'ipv4' });
    assert.deepEqual(addressFromIp16(parseIPv6('fc00::1'), 8333), { host: 'fc00::1', port: 8333, network: 'cjdns' });
    assert.equal(addressFromIp16(parseIPv6('fd87:d87e:eb43::1'), 8333), null);
  });
  it('parses host:port forms', () => {
    assert.deepEqual(parsePeerAddress('[2001:DB8::0:1]:18333', 8333), { host: '2001:db8::1', port: 18333, network: 'ipv6' });
    assert.deepEqual(parsePeerAddress('1.2.3.4', 8333), { host: '1.2.3.4', port: 8333, network: 'ipv4' });
    assert.deepEqual(parsePeerAddress('::ffff:5.6.7.8', 1), { host: '5.6.7.8', port: 1, network: 'ipv4' });
    expectProtocolError(() => parsePeerAddress('example.com:8333', 8333), 'bad-address');
    expectProtocolError(() => parsePeerAddress('1.2.3.4:99999', 8333), 'bad-address');
  });
  it('matches the Tor v3 and I2P vectors used by Bitcoin Core', () => {
    assert.equal(onionFromPubkey(hex('53cd5648488c4707914182655b7664034e09e66f7e8cbf1084e654eb56c5bd88')), 'kpgvmscirrdqpekbqjsvw5teanhatztpp2gl6eee4zkowvwfxwenqaid.onion');
    assert.deepEqual(pubkeyFromOnion('pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion'), hex('79bcc625184b05194975c28b66b66b0469f7f6556fb1ac3189a79b40dda32f1f'));
    assert.equal(i2pFromHash(hex('a2894dabaec08c0051a481a6dac88b64f98232ae42d4b6fd2fa81952dfe36a87')), 'ukeu3k5oycgaauneqgtnvselmt4yemvoilkln7jpvamvfx7dnkdq.b32.i2p');
    // One flipped character breaks the checksum.
    expectProtocolError(() => pubkeyFromOnion('pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscrye.onion'), 'bad-address');
  });
});

describe('frames', () => {
  it('encodes verack as the well-known empty-payload frame', () => {
    assert.equal(encodeFrame(BITCOIN_MAGIC, 'verack').toString('hex'), 'f9beb4d976657261636b000000000000000000005df6e0e2');
  });
  it('decodes the hand-written version vector, and the encoder reproduces it', () => {
    const version = decodeVersion(VERSION_VECTOR);
    assert.equal(version.protocolVersion, 70016);
    assert.equal(version.services, 9n);
    assert.equal(version.timestamp, 1700000000);
    assert.deepEqual(version.receiver.address, { host: '127.0.0.1', port: 8333, network: 'ipv4' });
    assert.equal(version.nonce, 0x0102030405060708n);
    assert.equal(version.userAgent, '/Satoshi:27.0.0/');
    assert.equal(version.startHeight, 840000);
    assert.equal(version.relay, true);
    const encoded = encodeVersion({
      protocolVersion: 70016,
      services: 9n,
      timestamp: 1700000000,
      receiver: { host: '127.0.0.1', port: 8333, network: 'ipv4' },
      nonce: 0x0102030405060708n,
      userAgent: '/Satoshi:27.0.0/',
      startHeight: 840000,
    });
    assert.deepEqual(encoded, VERSION_VECTOR);
    const frame = encodeFrame(BITCOIN_MAGIC, 'version', encoded);
    const checksum = createHash('sha256').update(createHash('sha256').update(VERSION_VECTOR).digest()).digest().subarray(0, 4);
    assert.deepEqual(frame.subarray(0, HEADER_LENGTH), Buffer.concat([BITCOIN_MAGIC, hex('76657273696f6e0000000000'), hex('66000000'), checksum]));
  });
  it('yields frames across arbitrary chunk boundaries', () => {
    const stream = Buffer.concat([
      encodeFrame(BITCOIN_MAGIC, 'version', VERSION_VECTOR),
      encodeFrame(BITCOIN_MAGIC, 'verack'),
      encodeFrame(BITCOIN_MAGIC, 'feefilter', hex('e803000000000000')),
      encodeFrame(BITCOIN_MAGIC, 'ping', hex('0102030405060708')),
    ]);
    const random = seededRandom(7);
    for (let trial = 0; trial < 50; trial += 1) {
      const decoder = new FrameDecoder({ magic: BITCOIN_MAGIC });
      const commands: string[] = [];
      for (let offset = 0; offset < stream.length; ) {
        const size = 1 + Math.floor(random() * 40);
        for (const frame of decoder.push(stream.subarray(offset, offset + size))) commands.push(decodeMessage(frame).command === 'other' ? frame.command : decodeMessage(frame).command);
        offset += size;
      }
      assert.deepEqual(commands, ['version', 'verack', 'feefilter', 'ping']);
      assert.equal(decoder.bufferedBytes, 0);
    }
  });
  it('rejects bad magic, bad checksum and bad command names', () => {
    const verack = encodeFrame(BITCOIN_MAGIC, 'verack');
    expectProtocolError(() => new FrameDecoder({ magic: magicBytes('c0c0c0c0') }).push(verack), 'bad-magic');
    const corrupted = Buffer.from(encodeFrame(BITCOIN_MAGIC, 'ping', hex('0102030405060708')));
    corrupted[corrupted.length - 1]! ^= 1;
    expectProtocolError(() => new FrameDecoder({ magic: BITCOIN_MAGIC }).push(corrupted), 'bad-checksum');
    const badCommand = Buffer.from(verack);
    badCommand.write('ver\x00ack', 4, 'latin1');
    expectProtocolError(() => new FrameDecoder({ magic: BITCOIN_MAGIC }).push(badCommand), 'bad-command');
  });
  it('rejects an oversized length from the header alone, before buffering the payload', () => {
    const header = Buffer.from(encodeFrame(BITCOIN_MAGIC, 'addr').subarray(0, HEADER_LENGTH));
    header.writeUInt32LE(0xffffffff, 16);
    const decoder = new FrameDecoder({ magic: BITCOIN_MAGIC, maxPayloadBytes: 100_000 });
    expectProtocolError(() => decoder.push(header), 'oversized-payload');
    assert.equal(decoder.bufferedBytes, 0);
    expectProtocolError(() => decoder.push(Buffer.alloc(10)), 'oversized-payload');
  });
  it('survives random garbage with only typed errors and bounded buffering', () => {
    const random = seededRandom(42);
    for (let trial = 0; trial < 300; trial += 1) {
      const decoder = new FrameDecoder({ magic: BITCOIN_MAGIC, maxPayloadBytes: 4096 });
      // Half the trials start with a valid magic so the rest of the header gets exercised.
      const garbage = randomBuffer(random, 1 + Math.floor(random() * 5000));
      if (trial % 2 === 0) BITCOIN_MAGIC.copy(garbage, 0);
      try {
        for (let offset = 0; offset < garbage.length; offset += 97) {
          for (const frame of decoder.push(garbage.subarray(offset, offset + 97))) {
            try {
              decodeMessage(frame);
            } catch (error) {
              assert.ok(error instanceof ProtocolError, String(error));
            }
          }
          assert.ok(decoder.bufferedBytes <= HEADER_LENGTH + 4096 + 97);
        }
      } catch (error) {
        assert.ok(error instanceof ProtocolError, String(error));
      }
    }
  });
});

describe('message payloads', () => {
  const entries: AddrEntry[] = [
    { time: 1700000000, services: 1033n, address: { host: '8.8.4.4', port: 8333, network: 'ipv4' } },
    { time: 1700000001, services: 9n, address: { host: '2001:db8::8', port: 18333, network: 'ipv6' } },
    { time: 1700000002, services: 9n, address: { host: 'kpgvmscirrdqpekbqjsvw5teanhatztpp2gl6eee4zkowvwfxwenqaid.onion', port: 8333, network: 'onion' } },
    { time: 1700000003, services: 9n, address: { host: 'ukeu3k5oycgaauneqgtnvselmt4yemvoilkln7jpvamvfx7dnkdq.b32.i2p', port: 0 + 1, network: 'i2p' } },
    { time: 1700000004, services: 9n, address: { host: 'fc32:17ea:e415:c3bf:9808:149d:b5a2:c9aa', port: 8333, network: 'cjdns' } },
  ];
  it('round-trips addrv2 for every network and addr for the IP ones', () => {
    assert.deepEqual(decodeAddrV2(encodeAddrV2(entries)), { entries, skipped: 0 });
    const ipOnly = entries.filter((entry) => entry.address.network === 'ipv4' || entry.address.network === 'ipv6' || entry.address.network === 'cjdns');
    assert.deepEqual(decodeAddr(encodeAddr(entries)), { entries: ipOnly, skipped: 0 });
  });
  it('decodes the BIP155 Tor v3 wire entry', () => {
    const payload = hex('01 00f15365 01 04 20 53cd5648488c4707914182655b7664034e09e66f7e8cbf1084e654eb56c5bd88 208d');
    assert.deepEqual(decodeAddrV2(payload).entries[0]?.address, { host: 'kpgvmscirrdqpekbqjsvw5teanhatztpp2gl6eee4zkowvwfxwenqaid.onion', port: 8333, network: 'onion' });
  });
  it('skips Tor v2, unknown networks and wrong lengths, and caps entry counts', () => {
    const payload = hex('03 00000000 01 03 0a 00112233445566778899 208d  00000000 01 09 02 abcd 208d  00000000 01 01 05 0102030405 208d');
    assert.deepEqual(decodeAddrV2(payload), { entries: [], skipped: 3 });
    expectProtocolError(() => decodeAddrV2(Buffer.concat([encodeCompactSize(MAX_ADDR_ENTRIES + 1), Buffer.alloc(20_000)])), 'too-many-entries');
    expectProtocolError(() => decodeAddr(Buffer.concat([encodeCompactSize(MAX_ADDR_ENTRIES), Buffer.alloc(30)])), 'truncated');
    expectProtocolError(() => decodeAddrV2(hex('01 00000000 01 04 fd0102')), 'string-too-long');
  });
  it('rejects every truncation of valid payloads with a typed error', () => {
    const payloads: [string, Buffer][] = [
      ['addrv2', encodeAddrV2(entries)],
      ['addr', encodeAddr(entries)],
      ['pong', hex('0102030405060708')],
    ];
    for (const [command, payload] of payloads) {
      for (let cut = 0; cut < payload.length; cut += 1) {
        expectProtocolError(() => decodeMessage({ command, payload: payload.subarray(0, cut) }));
      }
    }
    // Version keeps older peers' short forms, but a cut inside a field is still an error.
    expectProtocolError(() => decodeVersion(VERSION_VECTOR.subarray(0, 30)), 'truncated');
    expectProtocolError(() => decodeVersion(VERSION_VECTOR.subarray(0, 90)), 'truncated');
  });
  it('never throws anything but ProtocolError on random payloads', () => {
    const random = seededRandom(99);
    for (const command of ['version', 'addr', 'addrv2', 'ping', 'pong', 'verack', 'whatever']) {
      for (let trial = 0; trial < 500; trial += 1) {
        const payload = randomBuffer(random, Math.floor(random() * 300));
        try {
          decodeMessage({ command, payload });
        } catch (error) {
          assert.ok(error instanceof ProtocolError, `${command}: ${String(error)}`);
        }
      }
    }
  });
});
