import { TAPIERR_INVALRPCCONTEXT, TAPI_SUCCESS } from './trp-constants.js';

/** What an Ack_ReturnValue (or a LINE_REPLY's result) means. */
export type ReturnValueMeaning =
  | { readonly kind: 'success' }
  /** A LINEERR_ value (high bit set), or TAPIERR_INVALRPCCONTEXT for a synchronous function. */
  | { readonly kind: 'error'; readonly code: number }
  /** An asynchronous function accepted the request; a LINE_REPLY with this ID follows. */
  | { readonly kind: 'request-id'; readonly requestId: number }
  /** A positive value a synchronous function has no use for. */
  | { readonly kind: 'unexpected'; readonly value: number };

// Whether an unsigned 32-bit value is a LINEERR_ (negative as a LONG).
function isLineErr(value: number): boolean {
  return value >= 0x80000000 && value <= 0xffffffff;
}

/**
 * Reads an Ack_ReturnValue (MS-TRP 5.1): for a synchronous function 0 or a negative LINEERR_;
 * for an asynchronous one a negative LINEERR_ or a positive request ID (0 is never returned).
 * TAPIERR_INVALRPCCONTEXT (0xF101) is an error for a synchronous function; for an asynchronous
 * one it cannot be told apart from request ID 0xF101 and reads as a request ID.
 */
export function returnValueMeaning(value: number, async: boolean): ReturnValueMeaning {
  if (isLineErr(value)) return { kind: 'error', code: value };
  if (async) return value === TAPI_SUCCESS ? { kind: 'unexpected', value } : { kind: 'request-id', requestId: value };
  if (value === TAPI_SUCCESS) return { kind: 'success' };
  if (value === TAPIERR_INVALRPCCONTEXT) return { kind: 'error', code: value };
  return { kind: 'unexpected', value };
}
