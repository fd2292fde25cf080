import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeServices, parseServices, serviceFlagBits, SERVICE_FLAGS } from '../../lib/p2p/service-flags';
import { NODE_NETWORK, NODE_NETWORK_LIMITED, NODE_WITNESS } from '../../lib/p2p/messages';

describe('service flags by name', () => {
  it('agrees with the protocol constants', () => {
    assert.equal(1n << BigInt(SERVICE_FLAGS.NODE_NETWORK), NODE_NETWORK);
    assert.equal(1n << BigInt(SERVICE_FLAGS.NODE_WITNESS), NODE_WITNESS);
    assert.equal(1n << BigInt(SERVICE_FLAGS.NODE_NETWORK_LIMITED), NODE_NETWORK_LIMITED);
  });

  it('decodes database decimals and API hex into names and unnamed bits', () => {
    assert.deepEqual(decodeServices(parseServices('1033')), { names: ['NODE_NETWORK', 'NODE_WITNESS', 'NODE_NETWORK_LIMITED'], unknownBits: [] });
    assert.deepEqual(decodeServices(parseServices('0000000000000c49', 'hex')), {
      names: ['NODE_NETWORK', 'NODE_WITNESS', 'NODE_COMPACT_FILTERS', 'NODE_NETWORK_LIMITED', 'NODE_P2P_V2'],
      unknownBits: [],
    });
    assert.deepEqual(decodeServices(parseServices('0000000000000409', 'hex'))!.names, ['NODE_NETWORK', 'NODE_WITNESS', 'NODE_NETWORK_LIMITED'], '16 hex digits are never read as decimal');
    const all = decodeServices(parseServices('18446744073709551615'))!;
    assert.equal(all.names.length + all.unknownBits.length, 64);
    assert.equal(all.unknownBits.at(-1), 63);
    assert.deepEqual(decodeServices(parseServices('0')), { names: [], unknownBits: [] });
  });

  it('refuses what is not a uint64', () => {
    for (const bad of ['18446744073709551616', '-1', '1e3', 'zz', '0x10', '00000000000000zz', ' 1']) assert.equal(parseServices(bad), null, bad);
    assert.equal(parseServices('000000000000000g', 'hex'), null);
    assert.equal(parseServices('409', 'hex'), null);
    assert.equal(parseServices(null), null);
    assert.equal(decodeServices(null), null);
  });

  it('turns names into sorted unique bits', () => {
    assert.deepEqual(serviceFlagBits(['NODE_P2P_V2', 'NODE_NETWORK', 'NODE_P2P_V2']), [0, 11]);
  });
});
