/** Why a TAPI32_MSG (request or reply) could not be decoded, or a packet could not be encoded. */
export type TrpPacketErrorReason =
  /** Fewer than the 60 bytes of the fixed part, or an lNeededSize below them or below the bytes sent. */
  | 'short-packet'
  /** A Req_Func value no source names. */
  | 'unknown-function'
  /** A Req_Func MS-TRP names but wanemu has no packet layout for. */
  | 'unsupported-function'
  /** A VarData offset that is misaligned or outside VarData. */
  | 'bad-offset'
  /** A size that runs past the end of VarData (or of the space the client allocated). */
  | 'bad-size'
  /** A string offset with no UTF-16 NUL before the end of VarData. */
  | 'unterminated-string'
  /** A reserved field that must be 0 is not. */
  | 'reserved-nonzero'
  /** A field the sender MUST set to a given value holds another (reported as an error in strict mode only). */
  | 'sender-breach'
  /** A value given to an encoder that does not fit its field (not a DWORD, a string with a NUL, ...). */
  | 'bad-value';

/**
 * An error value, returned (never thrown) by the MS-TRP request and reply codecs. `lineErr` is
 * the LINEERR_ value a server answers the request with (Ack_ReturnValue); `offset` is the byte
 * offset in the packet of the field at fault (for data in VarData: the slot that locates it).
 */
export class TrpPacketError {
  readonly name = 'TrpPacketError';
  constructor(
    /** The LINEERR_ value (unsigned 32-bit) for Ack_ReturnValue. */
    readonly lineErr: number,
    readonly reason: TrpPacketErrorReason,
    /** Byte offset from the start of the packet. */
    readonly offset: number,
    /** The field, named as in MS-TRP (`lpszDestAddress`, `Req_Func`, `Reserved1`). */
    readonly field: string,
    /** What the field should have been. */
    readonly expected: string,
    readonly message: string,
  ) {}

  toString(): string {
    return `${this.field} @${this.offset}: ${this.message}`;
  }
}

/** Whether a codec result is a TrpPacketError. */
export function isTrpPacketError(x: unknown): x is TrpPacketError {
  return x instanceof TrpPacketError;
}
