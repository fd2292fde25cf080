/**
 * Text from the wire, made safe once at decode: a peer's bytes are decoded as
 * UTF-8 with invalid sequences dropped, and NUL, the other C0 controls and DEL
 * removed. What comes out can be stored, logged and shown as it is
 * (PostgreSQL refuses NUL in text and invalid UTF-8).
 */
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
// C0 controls, DEL and the replacement character TextDecoder puts where the bytes were not UTF-8.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f\ufffd]/g;

export function wireText(bytes: Uint8Array): string {
  return decoder.decode(bytes).replace(UNSAFE, '');
}

