import { randomBytes } from 'node:crypto';
import { hashApiKey } from '../auth/api-keys';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const KEY_SECRET_LENGTH = 40;
const PREFIX_SECRET_CHARS = 8;

/** Uniform base62 characters from the CSPRNG (rejection sampling: bytes ≥ 248 are dropped). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** The one definition of how keys are stored (sha256 hex), shared with verification. */
export { hashApiKey } from '../auth/api-keys';

export interface GeneratedKey {
  /** The full secret: shown once, never stored. */
  key: string;
  /** "{ticker}_sk_" + the first 8 secret characters, for telling keys apart in lists. */
  prefix: string;
  /** sha256 hex of the full key: what api_keys.key_hash stores. */
  hash: string;
}

/** `{ticker}_sk_<40 base62 chars>` (≈238 bits). */
export function generateApiKey(ticker: string): GeneratedKey {
  const secret = randomBase62(KEY_SECRET_LENGTH);
  const key = `${ticker}_sk_${secret}`;
  return { key, prefix: `${ticker}_sk_${secret.slice(0, PREFIX_SECRET_CHARS)}`, hash: hashApiKey(key) };
}
