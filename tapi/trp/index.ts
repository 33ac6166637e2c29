/**
 * wanemu/tapi/trp: the MS-TRP (Telephony Remote Protocol) packet layer. ClientRequest buffers
 * (TAPI32_MSG) and their replies, encoded and decoded from one declarative layout table per
 * function, and the ASYNCEVENTMSG records of LINE_REPLY and the line events. Decoders never
 * throw; they return an error value carrying the LINEERR_ (requests) or the offset and what
 * was expected (events).
 */
export * from './trp-constants.js';
export { REQ_FUNC, reqFuncName, reqFuncSource, type ReqFuncName, type ReqFuncSource } from './req-func.js';
export { TrpPacketError, isTrpPacketError, type TrpPacketErrorReason } from './packet-error.js';
export { decodeTapi32Msg, encodeTapi32Msg, paramOffset, type Tapi32Msg } from './tapi32-msg.js';
export type * from './request-slots.js';
export {
  REQUEST_LAYOUTS,
  requestLayout,
  type LayoutSource,
  type OutSlotName,
  type OutputSlotName,
  type ReplySlots,
  type RequestFields,
  type RequestFuncName,
  type RequestLayout,
  type RequestPacket,
  type ReservedPolicy,
  type SlotOf,
} from './request-layouts.js';
export {
  decodeRequest,
  encodeRequest,
  reservedFields,
  type DecodeRequestOptions,
  type DecodedRequest,
  type EncodedRequest,
  type SenderBreach,
} from './request-packet.js';
export { decodeReply, encodeReply, replyTo, type ReplyOutputs, type ReplyResult, type TrpReply } from './reply-packet.js';
export { returnValueMeaning, type ReturnValueMeaning } from './return-value.js';
export { AsyncEventError, isAsyncEventError, type AsyncEventErrorReason } from './async-event-error.js';
export {
  ASYNC_EVENT_RECORD_FIELDS,
  decodeAsyncEventRecord,
  encodeAsyncEventRecord,
  type AsyncEventRecord,
  type AsyncEventRecordInput,
} from './async-event-record.js';
export {
  ASYNC_EVENT_LAYOUTS,
  type AsyncEventLayout,
  type AsyncEventType,
  type EventField,
  type EventFieldOffset,
  type TypedAsyncEvent,
} from './async-event-layouts.js';
export {
  decodeAsyncEvent,
  decodeAsyncEvents,
  encodeAsyncEvent,
  encodeAsyncEvents,
  type AsyncEvent,
  type DecodeAsyncEventOptions,
  type OtherAsyncEvent,
} from './async-event.js';
