/**
 * Which transaction invs the monitor records: a fixed share chosen by the hash
 * itself (its first 16 bits, as shown), so every monitor shard samples exactly
 * the same transactions and a hash's fate does not depend on who announced it.
 * Blocks are always recorded.
 */

/** The sampling threshold for a share in [0, 1]: hashes whose 16-bit prefix is below it are sampled. */
export function txSampleThreshold(share: number): number {
  if (!Number.isFinite(share) || share <= 0) return 0;
  return Math.min(65_536, Math.round(share * 65_536));
}

/** For a display (big-endian) hex hash. */
export function isSampledTxHex(hash: string, threshold: number): boolean {
  if (threshold <= 0) return false;
  const prefix = Number.parseInt(hash.slice(0, 4), 16);
  return Number.isInteger(prefix) && prefix < threshold;
}

/**
 * For a 32-byte hash in internal (wire, little-endian) order, without building
 * its hex: the displayed prefix is the last two bytes, reversed.
 */
export function isSampledTxWire(hash: Uint8Array, threshold: number): boolean {
  if (threshold <= 0 || hash.length !== 32) return false;
  return ((hash[31]! << 8) | hash[30]!) < threshold;
}
