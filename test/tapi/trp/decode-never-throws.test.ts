import fc from 'fast-check';
import {
  AsyncEventError,
  REQUEST_LAYOUTS,
  TAPI_NO_DATA,
  TrpPacketError,
  decodeAsyncEvent,
  decodeAsyncEvents,
  decodeReply,
  decodeRequest,
  decodeTapi32Msg,
  encodeRequest,
  isTrpPacketError,
  type RequestFuncName,
  type RequestPacket,
} from '../../../tapi/trp/index.js';
import { slotValue } from '../../fuzz/trp-packets.js';

/*
 * Properties: random bytes never make a decoder throw (they give a value or an error value),
 * and any packet the encoder accepts decodes back to itself.
 */

const FUNCS = Object.keys(REQUEST_LAYOUTS) as RequestFuncName[];
const REQ_FUNCS = FUNCS.map((f) => REQUEST_LAYOUTS[f].reqFunc);

const anyBytes = fc.uint8Array({ minLength: 0, maxLength: 160 });

/** Bytes shaped like a request: a known Req_Func, slots that are often small VarData offsets, random VarData. */
const requestLike = fc
  .tuple(
    fc.constantFrom(...REQ_FUNCS),
    fc.array(fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constant(TAPI_NO_DATA), fc.nat({ max: 0xffffffff })), { minLength: 14, maxLength: 14 }),
    fc.uint8Array({ minLength: 0, maxLength: 96 }),
  )
  .map(([reqFunc, slots, varData]) => {
    const bytes = new Uint8Array(60 + varData.length);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, reqFunc, true);
    slots.forEach((v, i) => view.setUint32(4 + 4 * i, v >>> 0, true));
    bytes.set(varData, 60);
    return bytes;
  });

/** Bytes shaped like event records: TotalSize and Msg often plausible. */
const eventLike = fc
  .array(
    fc.tuple(fc.constantFrom(36, 40, 44, 52, 56, 0, 41), fc.constantFrom(0, 1, 2, 3, 8, 12, 19, 23, 25, 17), fc.uint8Array({ minLength: 36, maxLength: 60 })),
    { maxLength: 4 },
  )
  .map((records) => {
    const parts = records.map(([total, msg, rest]) => {
      const bytes = new Uint8Array(4 + rest.length);
      bytes.set(rest, 4);
      const view = new DataView(bytes.buffer);
      view.setUint32(0, total, true);
      if (bytes.length >= 20) view.setUint32(16, msg, true);
      return bytes;
    });
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) (out.set(p, at), (at += p.length));
    return out;
  });

function isValueOrError(result: unknown, errorType: typeof TrpPacketError | typeof AsyncEventError): boolean {
  return result instanceof errorType || (typeof result === 'object' && result !== null);
}

test('decodeRequest never throws on random bytes or random lNeededSize', () => {
  fc.assert(
    fc.property(fc.oneof(anyBytes, requestLike), fc.option(fc.integer({ min: -10, max: 400 })), fc.boolean(), (bytes, needed, strict) => {
      const options = needed === null ? { strict } : { neededSize: bytes.length + needed, strict };
      expect(isValueOrError(decodeRequest(bytes, options), TrpPacketError)).toBe(true);
    }),
    { numRuns: 3000 },
  );
});

test('decodeReply never throws, for any function', () => {
  fc.assert(
    fc.property(fc.constantFrom(...FUNCS), fc.oneof(anyBytes, requestLike), fc.boolean(), (func, bytes, success) => {
      if (success && bytes.length >= 4) bytes.fill(0, 0, 4);
      expect(isValueOrError(decodeReply(func, bytes), TrpPacketError)).toBe(true);
    }),
    { numRuns: 3000 },
  );
});

test('decodeTapi32Msg never throws', () => {
  fc.assert(fc.property(anyBytes, (bytes) => expect(isValueOrError(decodeTapi32Msg(bytes), TrpPacketError)).toBe(true)));
});

test('event decoders never throw, whatever the reply form', () => {
  fc.assert(
    fc.property(fc.oneof(anyBytes, eventLike), fc.boolean(), (bytes, makeCall) => {
      const options = { replyForm: () => (makeCall ? ('MakeCall' as const) : ('plain' as const)) };
      expect(isValueOrError(decodeAsyncEvent(bytes, options), AsyncEventError)).toBe(true);
      const events = decodeAsyncEvents(bytes, options);
      expect(events instanceof AsyncEventError || Array.isArray(events)).toBe(true);
    }),
    { numRuns: 3000 },
  );
});

const anyPacket = fc.constantFrom(...FUNCS).chain((func) => {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const slot of REQUEST_LAYOUTS[func].slots) if (slot.kind !== 'blobSize') fields[slot.name] = slotValue(slot);
  return fc.record(fields).map((f) => ({ func, ...f }) as unknown as RequestPacket);
});

test('every packet the encoder accepts decodes back to itself', () => {
  fc.assert(
    fc.property(anyPacket, (packet) => {
      const encoded = encodeRequest(packet);
      if (isTrpPacketError(encoded)) throw new Error(encoded.toString());
      const decoded = decodeRequest(encoded.bytes, { neededSize: encoded.neededSize });
      if (isTrpPacketError(decoded)) throw new Error(decoded.toString());
      expect(decoded.packet).toEqual(packet);
    }),
    { numRuns: 2000 },
  );
});
