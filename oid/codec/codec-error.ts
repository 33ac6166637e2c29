/** Why a buffer could not be decoded, or a value could not be encoded. */
export type CodecErrorReason =
  /** The buffer ends before the structure, a trailing array or a variable part does. */
  | 'short-buffer'
  /** A value does not fit its C type (a negative ULONG, a handle above 2^64, a non-number). */
  | 'bad-value';

/**
 * An error value, returned (never thrown) by the codecs. It names the structure, the
 * member (a dotted path for nested members, `LineCallParams.OrigAddress`), and for a short
 * buffer how many bytes the whole buffer needed to be from the decode offset.
 */
export class CodecError {
  readonly name = 'CodecError';
  constructor(
    readonly structure: string,
    readonly field: string,
    readonly reason: CodecErrorReason,
    /** Bytes needed from the decode/encode offset; 0 for a bad value. */
    readonly needed: number,
    /** Bytes available from the decode/encode offset. */
    readonly available: number,
    readonly message: string,
  ) {}

  toString(): string {
    return `${this.structure}.${this.field}: ${this.message}`;
  }
}

export function isCodecError(x: unknown): x is CodecError {
  return x instanceof CodecError;
}
