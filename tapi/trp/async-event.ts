import { LINE_REPLY } from '../../oid/index.js';
import { AsyncEventError } from './async-event-error.js';
import { ASYNC_EVENT_LAYOUTS, type AsyncEventLayout, type AsyncEventType, type TypedAsyncEvent } from './async-event-layouts.js';
import { decodeAsyncEventRecord, encodeAsyncEventRecord, type AsyncEventRecord } from './async-event-record.js';
import { isDword, readDword, writeDword } from './dword.js';

/** An event with a Msg wanemu has no typed layout for, kept as its record. */
export type OtherAsyncEvent = { readonly type: 'other' } & AsyncEventRecord;

/** A decoded event: typed for the line events of MS-TRP 4.3, the record otherwise. */
export type AsyncEvent = TypedAsyncEvent | OtherAsyncEvent;

/** Options of the event decoders. */
export interface DecodeAsyncEventOptions {
  /**
   * Which form a LINE_REPLY with this dwRemoteRequestID has. The bytes do not say: a MakeCall
   * completion is a LINE_REPLY carrying the new call, and only the client knows which request
   * IDs were MakeCalls. Default: every LINE_REPLY is `plain`.
   */
  readonly replyForm?: (dwRemoteRequestID: number) => 'plain' | 'MakeCall';
}

const BY_MSG: ReadonlyMap<number, AsyncEventType> = new Map(
  (Object.entries(ASYNC_EVENT_LAYOUTS) as Array<[AsyncEventType, AsyncEventLayout]>)
    .filter(([type]) => type !== 'MakeCallCompletion')
    .map(([type, layout]) => [layout.msg, type]),
);

/**
 * Decodes exactly one record filling `bytes`. Never throws: a short buffer, a bad TotalSize,
 * a record too small for its event's layout, or bytes after the record give an AsyncEventError.
 */
export function decodeAsyncEvent(bytes: Uint8Array, options: DecodeAsyncEventOptions = {}): AsyncEvent | AsyncEventError {
  const event = decodeAsyncEventAt(bytes, 0, options);
  if (event instanceof AsyncEventError) return event;
  if (event.size !== bytes.length) {
    return new AsyncEventError('trailing-bytes', event.size, 'ASYNCEVENTMSG', `the end of the buffer (TotalSize ${event.size})`, `${bytes.length - event.size} bytes after the record`);
  }
  return event.event;
}

/**
 * Decodes a run of records, each TotalSize bytes, as RemoteSPEventProc's pBuffer and
 * GetAsyncEvents' VarData hold them. An empty buffer is no events. Never throws; error
 * offsets are from the start of `bytes`.
 */
export function decodeAsyncEvents(bytes: Uint8Array, options: DecodeAsyncEventOptions = {}): AsyncEvent[] | AsyncEventError {
  if (bytes.length % 4 !== 0) {
    return new AsyncEventError('misaligned', bytes.length, 'lSize', 'a multiple of 4 bytes', `${bytes.length} bytes of events is not DWORD-aligned`);
  }
  const events: AsyncEvent[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const event = decodeAsyncEventAt(bytes, offset, options);
    if (event instanceof AsyncEventError) return event;
    events.push(event.event);
    offset += event.size;
  }
  return events;
}

function decodeAsyncEventAt(bytes: Uint8Array, offset: number, options: DecodeAsyncEventOptions): { readonly event: AsyncEvent; readonly size: number } | AsyncEventError {
  const record = decodeAsyncEventRecord(bytes, offset);
  if (record instanceof AsyncEventError) return record;
  let type = BY_MSG.get(record.Msg);
  if (type === undefined) return { event: { type: 'other', ...record }, size: record.TotalSize };
  if (record.Msg === LINE_REPLY && options.replyForm?.(record.Param1) === 'MakeCall') type = 'MakeCallCompletion';
  const layout: AsyncEventLayout = ASYNC_EVENT_LAYOUTS[type];
  if (record.TotalSize < layout.size) {
    return new AsyncEventError('bad-total-size', offset, 'TotalSize', `at least ${layout.size} for ${type}`, `TotalSize ${record.TotalSize} is too small for ${type}`);
  }
  const event: Record<string, unknown> = { type };
  for (const field of layout.fields) event[field.name] = readDword(bytes, offset + field.at);
  return { event: event as unknown as TypedAsyncEvent, size: record.TotalSize };
}

/**
 * Writes an event: a typed event in its layout (TotalSize = the layout's size, unnamed
 * positions 0), an `other` event as its record. Never throws.
 */
export function encodeAsyncEvent(event: AsyncEvent): Uint8Array | AsyncEventError {
  if (event.type === 'other') {
    const { type: _type, TotalSize: _total, ...record } = event;
    return encodeAsyncEventRecord(record);
  }
  const layout: AsyncEventLayout | undefined = Object.hasOwn(ASYNC_EVENT_LAYOUTS, event.type) ? ASYNC_EVENT_LAYOUTS[event.type] : undefined;
  if (layout === undefined) return new AsyncEventError('bad-value', 16, 'Msg', 'a known event type', `no layout for event type ${String(event.type)}`);
  const out = new Uint8Array(layout.size);
  writeDword(out, 0, layout.size);
  writeDword(out, 16, layout.msg);
  const values = event as unknown as Readonly<Record<string, unknown>>;
  for (const field of layout.fields) {
    const value = values[field.name];
    if (!isDword(value)) return new AsyncEventError('bad-value', field.at, field.name, 'a DWORD (0 to 0xFFFFFFFF)', `${String(value)} is not a DWORD`);
    writeDword(out, field.at, value);
  }
  return out;
}

/** Writes a run of events back to back (RemoteSPEventProc's pBuffer, GetAsyncEvents' VarData). Never throws. */
export function encodeAsyncEvents(events: readonly AsyncEvent[]): Uint8Array | AsyncEventError {
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const event of events) {
    const bytes = encodeAsyncEvent(event);
    if (bytes instanceof AsyncEventError) {
      return new AsyncEventError(bytes.reason, length + bytes.offset, bytes.field, bytes.expected, bytes.message);
    }
    parts.push(bytes);
    length += bytes.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
