import { LINECALLPRIVILEGE_OWNER, LINECALLSTATE_OFFERING, LINEMEDIAMODE_DATAMODEM } from '../../../oid/index.js';
import {
  ASYNC_EVENT_LAYOUTS,
  decodeAsyncEvent,
  decodeAsyncEventRecord,
  decodeAsyncEvents,
  encodeAsyncEvent,
  encodeAsyncEvents,
  isAsyncEventError,
  type AsyncEvent,
  type AsyncEventError,
  type TypedAsyncEvent,
} from '../../../tapi/trp/index.js';
import { REF_EVENTS, REF_MSG, u32 } from './reference-layouts.js';

/** Section 4.2: PHONE_REPLY 17 (0x11), a Msg with no typed layout here. */
const PHONE_REPLY = 0x11;

/*
 * ASYNCEVENTMSG records: every typed event puts each field at the offset of MS-TRP 4.3,
 * TotalSize at 0 and Msg at 16 with the value of 4.2; unnamed positions are zero; decoding
 * gives the event back.
 */

function ok<T>(value: T | AsyncEventError): T {
  if (isAsyncEventError(value)) throw new Error(value.toString());
  return value;
}

function sampleEvent(type: string): Record<string, unknown> {
  const event: Record<string, unknown> = { type };
  for (const [name, offset] of REF_EVENTS[type]!.fields) event[name] = (0x20000000 + offset * 0x10001) >>> 0;
  return event;
}

const TYPES = Object.keys(REF_EVENTS);

test('the layout table has exactly the events of the reference transcription', () => {
  expect(Object.keys(ASYNC_EVENT_LAYOUTS).sort()).toEqual([...TYPES].sort());
});

test('Msg values are those of tapi.h (section 4.2), as exported by oid/', () => {
  expect(ASYNC_EVENT_LAYOUTS.LINE_REPLY.msg).toBe(REF_MSG.LINE_REPLY);
  expect(ASYNC_EVENT_LAYOUTS.LINE_APPNEWCALL.msg).toBe(REF_MSG.LINE_APPNEWCALL);
});

describe.each(TYPES)('%s', (type) => {
  const ref = REF_EVENTS[type]!;
  const replyForm = type === 'MakeCallCompletion' ? { replyForm: () => 'MakeCall' as const } : {};

  test('the table names the fields of the reference at its offsets, with its Msg and size', () => {
    const layout = ASYNC_EVENT_LAYOUTS[type as keyof typeof ASYNC_EVENT_LAYOUTS];
    expect([layout.msg, layout.size]).toEqual([ref.msg, ref.totalSize]);
    expect(layout.fields.map((f) => [f.name, f.at])).toEqual(ref.fields);
  });

  test('encodes TotalSize, Msg and each field at the reference offset, the rest zero', () => {
    const event = sampleEvent(type);
    const bytes = ok(encodeAsyncEvent(event as unknown as AsyncEvent));
    expect(bytes.length).toBe(ref.totalSize);
    expect([u32(bytes, 0), u32(bytes, 16)]).toEqual([ref.totalSize, ref.msg]);
    const named = new Map(ref.fields.map(([name, offset]) => [offset, name]));
    for (let at = 4; at < ref.totalSize; at += 4) {
      if (at === 16) continue;
      const name = named.get(at);
      expect([at, u32(bytes, at)]).toEqual([at, name === undefined ? 0 : event[name]]);
    }
  });

  test('round-trips through decode', () => {
    const event = sampleEvent(type);
    expect(decodeAsyncEvent(ok(encodeAsyncEvent(event as unknown as AsyncEvent)), replyForm)).toEqual(event);
  });
});

describe('LINE_REPLY forms', () => {
  const completion: TypedAsyncEvent<'MakeCallCompletion'> = {
    type: 'MakeCallCompletion',
    InitContext: 1,
    lpContext: 2,
    OpenContext: 3,
    dwRemoteRequestID: 0x42,
    dwResult: 0,
    hCall: 0x1001,
    lphCallContext: 4,
    dwAddressID: 0,
    dwCallID: 77,
    dwRelatedCallID: 0,
  };

  test('a MakeCall completion read without knowing the request is a plain LINE_REPLY of the same header', () => {
    const bytes = ok(encodeAsyncEvent(completion));
    expect(decodeAsyncEvent(bytes)).toEqual({ type: 'LINE_REPLY', InitContext: 1, lpContext: 2, OpenContext: 3, dwRemoteRequestID: 0x42, dwResult: 0 });
  });

  test('replyForm is asked with dwRemoteRequestID and picks the form per reply', () => {
    const plain: TypedAsyncEvent<'LINE_REPLY'> = { type: 'LINE_REPLY', InitContext: 1, lpContext: 5, OpenContext: 3, dwRemoteRequestID: 0x43, dwResult: 0x80000048 };
    const bytes = ok(encodeAsyncEvents([completion, plain]));
    const asked: number[] = [];
    const events = decodeAsyncEvents(bytes, { replyForm: (id) => (asked.push(id), id === 0x42 ? 'MakeCall' : 'plain') });
    expect(events).toEqual([completion, plain]);
    expect(asked).toEqual([0x42, 0x43]);
  });
});

describe('streams and other messages', () => {
  test('an incoming call as a client sees it: LINE_APPNEWCALL then LINE_CALLSTATE(OFFERING, owner) in one buffer', () => {
    const events: AsyncEvent[] = [
      { type: 'LINE_APPNEWCALL', InitContext: 0x10, hRemoteLine: 0x20, OpenContext: 0x30, dwAddressID: 0, hCall: 0x40, dwCallID: 1, dwRelatedCallID: 0 },
      {
        type: 'LINE_CALLSTATE',
        InitContext: 0x10,
        dwCallStateMode: 0,
        hCall: 0x40,
        OpenContext: 0x30,
        dwCallState: LINECALLSTATE_OFFERING,
        dwCallPrivilege: LINECALLPRIVILEGE_OWNER,
        dwMediaMode: LINEMEDIAMODE_DATAMODEM,
        hRemoteLine: 0x20,
      },
    ];
    const bytes = ok(encodeAsyncEvents(events));
    expect(bytes.length).toBe(80);
    expect([u32(bytes, 40 + 24), u32(bytes, 40 + 28), u32(bytes, 40 + 32)]).toEqual([LINECALLSTATE_OFFERING, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DATAMODEM]);
    expect(decodeAsyncEvents(bytes)).toEqual(events);
  });

  test('a Msg without a typed layout is kept as its record, VarData included', () => {
    const other: AsyncEvent = {
      type: 'other',
      TotalSize: 48,
      InitContext: 1,
      PostProcessProcContext: 2,
      hDevice: 3,
      Msg: PHONE_REPLY,
      OpenContext: 5,
      Param1: 6,
      Param2: 7,
      Param3: 8,
      Param4: 9,
      varData: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
    };
    const bytes = ok(encodeAsyncEvent(other));
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => u32(bytes, 4 * (i - 1)))).toEqual([48, 1, 2, 3, PHONE_REPLY, 5, 6, 7, 8, 9]);
    expect(decodeAsyncEvent(bytes)).toEqual(other);
  });

  test('a typed event with VarData beyond its layout decodes (the extra bytes are ignored)', () => {
    const bytes = new Uint8Array(48);
    bytes.set(ok(encodeAsyncEvent({ type: 'LINE_CLOSE', InitContext: 1, hRemoteLine: 2, OpenContext: 3 })));
    new DataView(bytes.buffer).setUint32(0, 48, true);
    expect(decodeAsyncEvent(bytes)).toEqual({ type: 'LINE_CLOSE', InitContext: 1, hRemoteLine: 2, OpenContext: 3 });
  });

  test('an empty buffer is no events', () => {
    expect(decodeAsyncEvents(new Uint8Array(0))).toEqual([]);
  });

  test('the record view of a typed event', () => {
    const bytes = ok(encodeAsyncEvent({ type: 'LINE_CREATE', InitContext: 9, dwDeviceID: 4 }));
    expect(decodeAsyncEventRecord(bytes)).toEqual({
      TotalSize: 40,
      InitContext: 9,
      PostProcessProcContext: 0,
      hDevice: 0,
      Msg: REF_MSG.LINE_CREATE,
      OpenContext: 0,
      Param1: 4,
      Param2: 0,
      Param3: 0,
      Param4: 0,
      varData: new Uint8Array(0),
    });
  });
});
