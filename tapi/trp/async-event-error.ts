/** Why bytes are not an ASYNCEVENTMSG record (or a run of them), or an event could not be encoded. */
export type AsyncEventErrorReason =
  /** Fewer bytes than the 40-byte fixed part (or than the event's layout needs). */
  | 'short-buffer'
  /** TotalSize below the fixed part or the event's layout, or past the end of the buffer. */
  | 'bad-total-size'
  /** TotalSize (or a buffer of records) that is not a multiple of 4. */
  | 'misaligned'
  /** Bytes after the last record. */
  | 'trailing-bytes'
  /** A value given to the encoder that does not fit its field. */
  | 'bad-value';

/**
 * An error value, returned (never thrown) by the ASYNCEVENTMSG codecs. It names the byte
 * offset (from the start of the buffer given), the field, and what was expected there.
 */
export class AsyncEventError {
  readonly name = 'AsyncEventError';
  constructor(
    readonly reason: AsyncEventErrorReason,
    /** Byte offset from the start of the buffer. */
    readonly offset: number,
    /** The field, named as in MS-TRP (`TotalSize`, `Msg`, ...), or `ASYNCEVENTMSG` for the record. */
    readonly field: string,
    readonly expected: string,
    readonly message: string,
  ) {}

  toString(): string {
    return `${this.field} @${this.offset}: ${this.message}`;
  }
}

/** Whether a codec result is an AsyncEventError. */
export function isAsyncEventError(x: unknown): x is AsyncEventError {
  return x instanceof AsyncEventError;
}
