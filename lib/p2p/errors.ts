/** Why a byte stream or payload was rejected. Every decoder in lib/p2p throws only this. */
export type ProtocolErrorCode =
  | 'bad-magic'
  | 'bad-checksum'
  | 'bad-command'
  | 'oversized-payload'
  | 'truncated'
  | 'non-canonical-compactsize'
  | 'too-many-entries'
  | 'string-too-long'
  | 'bad-address'
  | 'bad-field';

const DESCRIPTIONS: Record<ProtocolErrorCode, string> = {
  'bad-magic': 'bad magic',
  'bad-checksum': 'bad checksum',
  'bad-command': 'bad command',
  'oversized-payload': 'oversized payload',
  truncated: 'truncated',
  'non-canonical-compactsize': 'non-canonical compactSize',
  'too-many-entries': 'too many entries',
  'string-too-long': 'string too long',
  'bad-address': 'bad address',
  'bad-field': 'bad field',
};

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    readonly detail?: string,
  ) {
    super(detail ? `${DESCRIPTIONS[code]}: ${detail}` : DESCRIPTIONS[code]);
  }

  /** The failure class alone ("bad magic"), without peer-supplied bytes: what users may see. */
  get summary(): string {
    return DESCRIPTIONS[this.code];
  }
}

export function isProtocolError(error: unknown): error is ProtocolError {
  return error instanceof ProtocolError;
}
