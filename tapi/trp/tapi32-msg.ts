import { LINEERR_INVALPARAM } from '../../oid/index.js';
import { isDword, readDword, writeDword } from './dword.js';
import { TrpPacketError } from './packet-error.js';
import { MAX_TAPI_FUNC_ARGS, TAPI32_MSG_PARAMS_OFFSET, TAPI32_MSG_SIZE } from './trp-constants.js';

/**
 * A ClientRequest buffer, TAPI32_MSG (MS-TRP 2.2.5.2), without interpretation:
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 4 | Req_Func (request) / Ack_ReturnValue (reply) |
 * | 4 | 4 | Reserved1 |
 * | 8 | 52 | 13 DWORD parameter slots |
 * | 60 | var | VarData |
 */
export interface Tapi32Msg {
  /** Req_Func in a request, Ack_ReturnValue in the reply (the same DWORD). */
  readonly reqFuncOrReturnValue: number;
  readonly reserved1: number;
  /** The 13 parameter slots, slot i at byte 8 + 4i. */
  readonly params: readonly number[];
  /** The bytes after the fixed part (a view into the decoded buffer, a copy when encoding). */
  readonly varData: Uint8Array;
}

/** Byte offset in the packet of parameter slot `index` (0-based). */
export function paramOffset(index: number): number {
  return TAPI32_MSG_PARAMS_OFFSET + 4 * index;
}

/** Reads the fixed part and VarData. Fewer than 60 bytes give LINEERR_INVALPARAM. */
export function decodeTapi32Msg(bytes: Uint8Array): Tapi32Msg | TrpPacketError {
  if (bytes.length < TAPI32_MSG_SIZE) return shortPacket(bytes.length);
  const params: number[] = [];
  for (let i = 0; i < MAX_TAPI_FUNC_ARGS; i++) params.push(readDword(bytes, paramOffset(i)));
  return {
    reqFuncOrReturnValue: readDword(bytes, 0),
    reserved1: readDword(bytes, 4),
    params,
    varData: bytes.subarray(TAPI32_MSG_SIZE),
  };
}

/** A new buffer: the fixed part then VarData. Every value must be a DWORD, and there must be 13 params. */
export function encodeTapi32Msg(msg: Tapi32Msg): Uint8Array | TrpPacketError {
  if (!isDword(msg.reqFuncOrReturnValue)) return badValue(0, 'Req_Func', msg.reqFuncOrReturnValue);
  if (!isDword(msg.reserved1)) return badValue(4, 'Reserved1', msg.reserved1);
  if (msg.params.length !== MAX_TAPI_FUNC_ARGS) {
    return new TrpPacketError(LINEERR_INVALPARAM, 'bad-value', TAPI32_MSG_PARAMS_OFFSET, 'params', `${MAX_TAPI_FUNC_ARGS} DWORDs`, `${msg.params.length} parameter slots given`);
  }
  const out = new Uint8Array(TAPI32_MSG_SIZE + msg.varData.length);
  writeDword(out, 0, msg.reqFuncOrReturnValue);
  writeDword(out, 4, msg.reserved1);
  for (let i = 0; i < MAX_TAPI_FUNC_ARGS; i++) {
    const value = msg.params[i];
    if (!isDword(value)) return badValue(paramOffset(i), `param ${i}`, value);
    writeDword(out, paramOffset(i), value);
  }
  out.set(msg.varData, TAPI32_MSG_SIZE);
  return out;
}

/** The error for a packet shorter than the fixed part. */
export function shortPacket(length: number): TrpPacketError {
  return new TrpPacketError(
    LINEERR_INVALPARAM,
    'short-packet',
    length,
    'TAPI32_MSG',
    `at least ${TAPI32_MSG_SIZE} bytes`,
    `the packet has ${length} bytes, fewer than the ${TAPI32_MSG_SIZE}-byte fixed part`,
  );
}

/** The error for a value that is not a DWORD. */
export function badValue(offset: number, field: string, value: unknown): TrpPacketError {
  return new TrpPacketError(LINEERR_INVALPARAM, 'bad-value', offset, field, 'a DWORD (0 to 0xFFFFFFFF)', `${String(value)} is not a DWORD`);
}
