import { AsyncEventError } from './async-event-error.js';
import { isDword, readDword, writeDword } from './dword.js';
import { ASYNCEVENTMSG_SIZE } from './trp-constants.js';

/**
 * One ASYNCEVENTMSG (MS-TRP 2.2.x), uninterpreted: ten DWORDs and the record's VarData.
 *
 * | offset | field |
 * |---|---|
 * | 0 | TotalSize |
 * | 4 | InitContext |
 * | 8 | PostProcessProcContext (fnPostProcessProcHandle on the LINE_* pages) |
 * | 12 | hDevice |
 * | 16 | Msg |
 * | 20 | OpenContext |
 * | 24, 28, 32, 36 | Param1 .. Param4 |
 * | 40 | VarData (TotalSize - 40 bytes) |
 */
export interface AsyncEventRecord {
  readonly TotalSize: number;
  readonly InitContext: number;
  readonly PostProcessProcContext: number;
  readonly hDevice: number;
  readonly Msg: number;
  readonly OpenContext: number;
  readonly Param1: number;
  readonly Param2: number;
  readonly Param3: number;
  readonly Param4: number;
  /** The bytes after the fixed part, up to TotalSize (a copy). */
  readonly varData: Uint8Array;
}

/** The record's DWORD fields in wire order, TotalSize first. */
export const ASYNC_EVENT_RECORD_FIELDS = [
  'TotalSize',
  'InitContext',
  'PostProcessProcContext',
  'hDevice',
  'Msg',
  'OpenContext',
  'Param1',
  'Param2',
  'Param3',
  'Param4',
] as const;

/**
 * Reads the record at `offset`. Never throws. Checks what a receiver checks (MS-TRP
 * RemoteSPEventProc): 40 bytes present, TotalSize at least 40, a multiple of 4, and within the buffer.
 */
export function decodeAsyncEventRecord(bytes: Uint8Array, offset = 0): AsyncEventRecord | AsyncEventError {
  const available = bytes.length - offset;
  if (available < ASYNCEVENTMSG_SIZE) {
    return new AsyncEventError('short-buffer', offset, 'ASYNCEVENTMSG', `${ASYNCEVENTMSG_SIZE} bytes`, `${available} bytes left, fewer than the ${ASYNCEVENTMSG_SIZE}-byte ASYNCEVENTMSG`);
  }
  const total = readDword(bytes, offset);
  if (total < ASYNCEVENTMSG_SIZE) {
    return new AsyncEventError('bad-total-size', offset, 'TotalSize', `at least ${ASYNCEVENTMSG_SIZE}`, `TotalSize ${total} is smaller than the fixed part`);
  }
  if (total % 4 !== 0) return new AsyncEventError('misaligned', offset, 'TotalSize', 'a multiple of 4', `TotalSize ${total} is not DWORD-aligned`);
  if (total > available) {
    return new AsyncEventError('bad-total-size', offset, 'TotalSize', `at most ${available} (the bytes left)`, `TotalSize ${total} runs past the end of the buffer`);
  }
  const d = (i: number): number => readDword(bytes, offset + 4 * i);
  return {
    TotalSize: total,
    InitContext: d(1),
    PostProcessProcContext: d(2),
    hDevice: d(3),
    Msg: d(4),
    OpenContext: d(5),
    Param1: d(6),
    Param2: d(7),
    Param3: d(8),
    Param4: d(9),
    varData: bytes.slice(offset + ASYNCEVENTMSG_SIZE, offset + total),
  };
}

/** A record's fields before encoding: TotalSize is derived from VarData. */
export type AsyncEventRecordInput = Omit<AsyncEventRecord, 'TotalSize'>;

/** Writes a record; TotalSize = 40 + VarData, which must be a multiple of 4 bytes. Never throws. */
export function encodeAsyncEventRecord(record: AsyncEventRecordInput): Uint8Array | AsyncEventError {
  if (!(record.varData instanceof Uint8Array) || record.varData.length % 4 !== 0) {
    return new AsyncEventError('bad-value', ASYNCEVENTMSG_SIZE, 'VarData', 'a multiple of 4 bytes', 'VarData must be DWORD-aligned bytes');
  }
  const out = new Uint8Array(ASYNCEVENTMSG_SIZE + record.varData.length);
  const fields: Readonly<Record<string, unknown>> = { ...record, TotalSize: out.length };
  for (let i = 0; i < ASYNC_EVENT_RECORD_FIELDS.length; i++) {
    const name = ASYNC_EVENT_RECORD_FIELDS[i]!;
    const value = fields[name];
    if (!isDword(value)) return new AsyncEventError('bad-value', 4 * i, name, 'a DWORD (0 to 0xFFFFFFFF)', `${String(value)} is not a DWORD`);
    writeDword(out, 4 * i, value);
  }
  out.set(record.varData, ASYNCEVENTMSG_SIZE);
  return out;
}
