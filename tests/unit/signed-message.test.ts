import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as secp from '@noble/secp256k1';
import { MESSAGE_CHAINS, messageHash, p2pkhAddress, signMessage, verifySignedMessage } from '../../lib/verification/signed-message';

const btc = MESSAGE_CHAINS.btc!;
const doge = MESSAGE_CHAINS.doge!;
const ltc = MESSAGE_CHAINS.ltc!;
const privateKey = (byte: number) => Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? byte : 0));

describe('Bitcoin-style signed messages', () => {
  it('derives the well-known P2PKH addresses of private key 1', () => {
    assert.equal(p2pkhAddress(secp.getPublicKey(privateKey(1), true), 0), '1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH');
    assert.equal(p2pkhAddress(secp.getPublicKey(privateKey(1), false), 0), '1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm');
  });

  it('hashes with the varint-prefixed chain magic', () => {
    assert.notDeepEqual(messageHash('hi', btc.magic), messageHash('hi', doge.magic));
    assert.equal(messageHash('x'.repeat(300), btc.magic).length, 32);
  });

  it('verifies a known vector (private key 1, deterministic RFC 6979 signature) and refuses tampering', () => {
    const message = 'Peerscope node verification 8.8.8.8:8333 peerscope-0011223344556677';
    const signature = signMessage(privateKey(1), message, btc);
    // RFC 6979 makes this signature a fixed vector for this key and message.
    assert.equal(signature, 'IBr/0bmBti5YDiKeQbdHfpJRlVOLSIdHJXhiZHPEzTu/dlO0CR312xbrFjo9sg/39x3EdxHnF8vx0m3ok6eZJRM=');
    assert.equal(Buffer.from(signature, 'base64').length, 65);
    assert.ok(verifySignedMessage('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', signature, message, btc));
    assert.ok(!verifySignedMessage('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', signature, `${message}!`, btc), 'other message');
    assert.ok(!verifySignedMessage('1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm', signature, message, btc), 'uncompressed address of the same key');
    const other = p2pkhAddress(secp.getPublicKey(privateKey(2), true), 0);
    assert.ok(!verifySignedMessage(other, signature, message, btc), 'other address');
    const uncompressed = signMessage(privateKey(1), message, btc, false);
    assert.ok(verifySignedMessage('1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm', uncompressed, message, btc));
    const bytes = Buffer.from(signature, 'base64');
    bytes[10] = bytes[10]! ^ 1;
    assert.ok(!verifySignedMessage('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', bytes.toString('base64'), message, btc));
    for (const garbage of ['', 'abc', '!!!!', Buffer.alloc(65, 0).toString('base64')]) {
      assert.ok(!verifySignedMessage('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', garbage, message, btc));
    }
    assert.ok(!verifySignedMessage('not-an-address', signature, message, btc));
  });

  it('uses chain-specific magic and address versions for Dogecoin and Litecoin', () => {
    const key = privateKey(7);
    const dogeAddress = p2pkhAddress(secp.getPublicKey(key, true), doge.p2pkhVersion);
    const ltcAddress = p2pkhAddress(secp.getPublicKey(key, true), ltc.p2pkhVersion);
    assert.match(dogeAddress, /^D/);
    assert.match(ltcAddress, /^L/);
    const signature = signMessage(key, 'hello', doge);
    assert.ok(verifySignedMessage(dogeAddress, signature, 'hello', doge));
    assert.ok(!verifySignedMessage(ltcAddress, signature, 'hello', ltc), 'a Dogecoin signature is not a Litecoin one');
    assert.ok(verifySignedMessage(ltcAddress, signMessage(key, 'hello', ltc), 'hello', ltc));
  });
});

describe('signed-message parameters per chain', () => {
  it('exist for the ticker of every chain preset', async () => {
    const { CHAIN_PRESETS } = await import('../../lib/chains/presets');
    for (const preset of Object.values(CHAIN_PRESETS)) {
      assert.ok(MESSAGE_CHAINS[preset.ticker], `no signed-message parameters for ${preset.id} (${preset.ticker})`);
    }
  });
});
