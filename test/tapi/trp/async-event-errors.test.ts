import {
  AsyncEventError,
  decodeAsyncEvent,
  decodeAsyncEvents,
  encodeAsyncEvent,
  encodeAsyncEventRecord,
  encodeAsyncEvents,
  isAsyncEventError,
  type AsyncEvent,
  type AsyncEventErrorReason,
  type DecodeAsyncEventOptions,
} from '../../../tapi/trp/index.js';
import { REF_MSG, putU32 } from './reference-layouts.js';

/*
 * Bad event records (the receiver checks of MS-TRP RemoteSPEventProc): each gives an
 * AsyncEventError naming the byte offset, the field and what was expected.
 */

/** A record of `length` bytes whose TotalSize says `totalSize`, with Msg `msg`. */
function record(msg: number, length: number, totalSize = length): Uint8Array {
  const bytes = new Uint8Array(length);
  if (length >= 4) putU32(bytes, 0, totalSize);
  if (length >= 20) putU32(bytes, 16, msg);
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const makeCall: DecodeAsyncEventOptions = { replyForm: () => 'MakeCall' };

interface BadEvent {
  readonly name: string;
  readonly decode: () => unknown;
  readonly reason: AsyncEventErrorReason;
  readonly offset: number;
  readonly field: string;
  readonly expected: RegExp;
}

const CASES: readonly BadEvent[] = [
  { name: 'empty buffer (one event expected)', decode: () => decodeAsyncEvent(new Uint8Array(0)), reason: 'short-buffer', offset: 0, field: 'ASYNCEVENTMSG', expected: /40 bytes/ },
  { name: '36 bytes', decode: () => decodeAsyncEvent(record(REF_MSG.LINE_CLOSE, 36)), reason: 'short-buffer', offset: 0, field: 'ASYNCEVENTMSG', expected: /40 bytes/ },
  { name: 'TotalSize 0', decode: () => decodeAsyncEvent(record(REF_MSG.LINE_CLOSE, 40, 0)), reason: 'bad-total-size', offset: 0, field: 'TotalSize', expected: /at least 40/ },
  { name: 'TotalSize 36', decode: () => decodeAsyncEvent(record(REF_MSG.LINE_CLOSE, 40, 36)), reason: 'bad-total-size', offset: 0, field: 'TotalSize', expected: /at least 40/ },
  { name: 'TotalSize 42', decode: () => decodeAsyncEvent(record(REF_MSG.LINE_CLOSE, 44, 42)), reason: 'misaligned', offset: 0, field: 'TotalSize', expected: /multiple of 4/ },
  { name: 'TotalSize past the buffer', decode: () => decodeAsyncEvent(record(REF_MSG.LINE_CLOSE, 40, 44)), reason: 'bad-total-size', offset: 0, field: 'TotalSize', expected: /at most 40/ },
  { name: 'TotalSize 0xFFFFFFFC', decode: () => decodeAsyncEvent(record(REF_MSG.LINE_CLOSE, 40, 0xfffffffc)), reason: 'bad-total-size', offset: 0, field: 'TotalSize', expected: /at most 40/ },
  { name: 'bytes after the record', decode: () => decodeAsyncEvent(record(REF_MSG.LINE_CLOSE, 44, 40)), reason: 'trailing-bytes', offset: 40, field: 'ASYNCEVENTMSG', expected: /end of the buffer/ },
  { name: 'MakeCall completion of 40 bytes', decode: () => decodeAsyncEvent(record(REF_MSG.LINE_REPLY, 40), makeCall), reason: 'bad-total-size', offset: 0, field: 'TotalSize', expected: /at least 52/ },
  { name: 'MakeCall completion of 48 bytes', decode: () => decodeAsyncEvent(record(REF_MSG.LINE_REPLY, 48), makeCall), reason: 'bad-total-size', offset: 0, field: 'TotalSize', expected: /at least 52/ },
  { name: 'stream of 42 bytes', decode: () => decodeAsyncEvents(concat(record(REF_MSG.LINE_CLOSE, 40), new Uint8Array(2))), reason: 'misaligned', offset: 42, field: 'lSize', expected: /multiple of 4/ },
  { name: 'stream with 8 bytes of junk after a record', decode: () => decodeAsyncEvents(concat(record(REF_MSG.LINE_CLOSE, 40), new Uint8Array(8))), reason: 'short-buffer', offset: 40, field: 'ASYNCEVENTMSG', expected: /40 bytes/ },
  { name: 'stream whose second record overruns', decode: () => decodeAsyncEvents(concat(record(REF_MSG.LINE_CLOSE, 40), record(REF_MSG.LINE_CLOSE, 40, 80))), reason: 'bad-total-size', offset: 40, field: 'TotalSize', expected: /at most 40/ },
  { name: 'stream whose third record has TotalSize 0', decode: () => decodeAsyncEvents(concat(record(2, 40), record(3, 40), record(3, 40, 0))), reason: 'bad-total-size', offset: 80, field: 'TotalSize', expected: /at least 40/ },
  { name: 'stream with a short MakeCall completion second', decode: () => decodeAsyncEvents(concat(record(REF_MSG.LINE_CLOSE, 40), record(REF_MSG.LINE_REPLY, 44)), makeCall), reason: 'bad-total-size', offset: 40, field: 'TotalSize', expected: /at least 52/ },
];

describe.each(CASES)('$name', ({ decode, reason, offset, field, expected }) => {
  test('gives an AsyncEventError with the offset and what was expected', () => {
    const result = decode();
    expect(result).toBeInstanceOf(AsyncEventError);
    const error = result as AsyncEventError;
    expect({ reason: error.reason, offset: error.offset, field: error.field }).toEqual({ reason, offset, field });
    expect(error.expected).toMatch(expected);
  });
});

describe('encoding refuses values that do not fit', () => {
  test('a field that is not a DWORD names its offset', () => {
    const result = encodeAsyncEvent({ type: 'LINE_CALLINFO', InitContext: 1, hCall: 2, OpenContext: 3, dwCallInfoStates: -1, hRemoteLine: 5 });
    expect(isAsyncEventError(result) && [result.reason, result.field, result.offset]).toEqual(['bad-value', 'dwCallInfoStates', 24]);
  });

  test('in a run, the offset counts from the start of the run', () => {
    const result = encodeAsyncEvents([
      { type: 'LINE_CREATE', InitContext: 1, dwDeviceID: 2 },
      { type: 'LINE_REMOVE', InitContext: 1, dwDeviceID: 2 ** 32 },
    ]);
    expect(isAsyncEventError(result) && [result.field, result.offset]).toEqual(['dwDeviceID', 64]);
  });

  test('a record whose VarData is not DWORD-aligned', () => {
    const result = encodeAsyncEventRecord({ InitContext: 0, PostProcessProcContext: 0, hDevice: 0, Msg: 0x11, OpenContext: 0, Param1: 0, Param2: 0, Param3: 0, Param4: 0, varData: new Uint8Array(3) });
    expect(isAsyncEventError(result) && [result.reason, result.offset]).toEqual(['bad-value', 40]);
  });

  test('an unknown event type', () => {
    const result = encodeAsyncEvent({ type: 'LINE_NOPE' } as unknown as AsyncEvent);
    expect(isAsyncEventError(result) && result.field).toBe('Msg');
  });
});
