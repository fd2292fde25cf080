import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import * as secp from '@noble/secp256k1';
import { createBase58check } from '@scure/base';

secp.hashes.sha256 = sha256;
secp.hashes.hmacSha256 = (key, message) => hmac(sha256, key, message);

const base58check = createBase58check(sha256);

/** Signed-message magic and legacy P2PKH version byte per chain ticker. */
export interface MessageChain {
  magic: string;
  p2pkhVersion: number;
}

export const MESSAGE_CHAINS: Record<string, MessageChain> = {
  btc: { magic: 'Bitcoin Signed Message:\n', p2pkhVersion: 0x00 },
  tbtc: { magic: 'Bitcoin Signed Message:\n', p2pkhVersion: 0x6f },
  tbtc4: { magic: 'Bitcoin Signed Message:\n', p2pkhVersion: 0x6f },
  sbtc: { magic: 'Bitcoin Signed Message:\n', p2pkhVersion: 0x6f },
  rbtc: { magic: 'Bitcoin Signed Message:\n', p2pkhVersion: 0x6f },
  doge: { magic: 'Dogecoin Signed Message:\n', p2pkhVersion: 0x1e },
  ltc: { magic: 'Litecoin Signed Message:\n', p2pkhVersion: 0x30 },
  // Confirmed by Dingocoin's src/chainparams.cpp (P2PKH 0x1e, addresses start with "D") and its message magic.
  dingo: { magic: 'Dingocoin Signed Message:\n', p2pkhVersion: 0x1e },
};

export function messageChain(ticker: string): MessageChain {
  const chain = MESSAGE_CHAINS[ticker];
  if (!chain) throw new Error(`No signed-message parameters for chain "${ticker}".`);
  return chain;
}

function varint(n: number): Uint8Array {
  if (n < 0xfd) return Uint8Array.of(n);
  if (n <= 0xffff) return Uint8Array.of(0xfd, n & 0xff, n >> 8);
  return Uint8Array.of(0xfe, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
}

/** sha256d(varint(magic) magic varint(message) message): what signmessage signs. */
export function messageHash(message: string, magic: string): Uint8Array {
  const encoder = new TextEncoder();
  const m = encoder.encode(magic);
  const body = encoder.encode(message);
  const data = new Uint8Array([...varint(m.length), ...m, ...varint(body.length), ...body]);
  return sha256(sha256(data));
}

export function p2pkhAddress(publicKey: Uint8Array, version: number): string {
  return base58check.encode(Uint8Array.of(version, ...ripemd160(sha256(publicKey))));
}

/**
 * Checks a legacy (P2PKH) compact signed message, as `signmessage` in Bitcoin Core,
 * Dogecoin Core and Litecoin Core produce: base64 of 65 bytes, header 27–34
 * (27 + recovery id, +4 for a compressed key). Recovers the public key and compares
 * its P2PKH address with `address`. Returns false for anything malformed.
 */
export function verifySignedMessage(address: string, signatureBase64: string, message: string, chain: MessageChain): boolean {
  let signature: Uint8Array;
  try {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureBase64.trim())) return false;
    signature = Uint8Array.from(Buffer.from(signatureBase64.trim(), 'base64'));
  } catch {
    return false;
  }
  if (signature.length !== 65) return false;
  const header = signature[0]!;
  if (header < 27 || header > 34) return false; // 35+ are BIP137 segwit headers: not a legacy address
  const recovery = (header - 27) & 3;
  const compressed = header >= 31;
  try {
    const decoded = base58check.decode(address.trim());
    if (decoded.length !== 21 || decoded[0] !== chain.p2pkhVersion) return false;
    const recovered = secp.recoverPublicKey(
      Uint8Array.of(recovery, ...signature.subarray(1)),
      messageHash(message, chain.magic),
      { prehash: false, isCompressed: compressed },
    );
    return p2pkhAddress(recovered, chain.p2pkhVersion) === address.trim();
  } catch {
    return false;
  }
}

/** Signs like `signmessage` (for tests and tools): base64 compact signature with the legacy header. */
export function signMessage(privateKey: Uint8Array, message: string, chain: MessageChain, compressed = true): string {
  const signature = secp.sign(messageHash(message, chain.magic), privateKey, { prehash: false, format: 'recovered' });
  const header = 27 + signature[0]! + (compressed ? 4 : 0);
  return Buffer.from(Uint8Array.of(header, ...signature.subarray(1))).toString('base64');
}
