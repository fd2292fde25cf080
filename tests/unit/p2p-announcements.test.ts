import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blockHash,
  decodeHeaders,
  decodeInv,
  displayHash,
  encodeBlockHeader,
  encodeHeaders,
  encodeInv,
  INV_TYPE,
  isBlockInv,
  MAX_HEADERS_ENTRIES,
  MAX_INV_ENTRIES,
} from '../../lib/p2p/announcements';
import { encodeCompactSize as encodeCompactSizeForTest } from '../../lib/p2p/bytes';
import { isProtocolError } from '../../lib/p2p/errors';
import { seededRandom, randomBuffer } from '../helpers/random';

describe('inv and headers codec', () => {
  it('round-trips inv and keeps only block entries as announcements', () => {
    const hash = Buffer.alloc(32, 7);
    const entries = decodeInv(encodeInv([{ type: INV_TYPE.tx, hash }, { type: INV_TYPE.block, hash }, { type: INV_TYPE.witnessBlock, hash }]));
    assert.equal(entries.length, 3);
    assert.deepEqual(entries.filter(isBlockInv).map((entry) => entry.type), [INV_TYPE.block, INV_TYPE.witnessBlock]);
  });

  it('round-trips headers and hashes them like Bitcoin (genesis block)', () => {
    const genesis = {
      version: 1,
      prevHash: Buffer.alloc(32),
      merkleRoot: Buffer.from('4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b', 'hex').reverse(),
      time: 1231006505,
      bits: 0x1d00ffff,
      nonce: 2083236893,
    };
    assert.equal(displayHash(blockHash(encodeBlockHeader(genesis))), '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
    const [decoded] = decodeHeaders(encodeHeaders([genesis]));
    assert.equal(displayHash(decoded!.hash), '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
    assert.equal(decoded!.nonce, genesis.nonce);
  });

  it('rejects oversized counts, truncation and headers with transactions as ProtocolError', () => {
    const bad = [
      Buffer.concat([encodeCompactSizeForTest(MAX_INV_ENTRIES + 1)]),
      Buffer.concat([encodeCompactSizeForTest(2), Buffer.alloc(36)]),
      Buffer.concat([encodeCompactSizeForTest(MAX_HEADERS_ENTRIES + 1)]),
    ];
    assert.throws(() => decodeInv(bad[0]!), isProtocolError);
    assert.throws(() => decodeInv(bad[1]!), isProtocolError);
    assert.throws(() => decodeHeaders(bad[2]!), isProtocolError);
    const withTx = Buffer.concat([encodeCompactSizeForTest(1), Buffer.alloc(80), Buffer.from([1])]);
    assert.throws(() => decodeHeaders(withTx), isProtocolError);
  });

  it('never throws anything but ProtocolError on random bytes', () => {
    const random = seededRandom(14);
    for (let round = 0; round < 2000; round += 1) {
      const bytes = randomBuffer(random, Math.floor(random() * 200));
      for (const decode of [decodeInv, decodeHeaders]) {
        try {
          decode(bytes);
        } catch (error) {
          assert.ok(isProtocolError(error), String(error));
        }
      }
    }
  });
});
