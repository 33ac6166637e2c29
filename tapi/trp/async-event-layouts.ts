import {
  LINE_APPNEWCALL,
  LINE_CALLINFO,
  LINE_CALLSTATE,
  LINE_CLOSE,
  LINE_CREATE,
  LINE_LINEDEVSTATE,
  LINE_REMOVE,
  LINE_REPLY,
} from '../../oid/index.js';

/*
 * The typed events: for each, Msg, its size, and the named DWORDs with their byte offsets in
 * the ASYNCEVENTMSG, exactly as shared/reference/ms-trp.md section 4.3 gives them (MS-TRP wire
 * positions, which differ from the TAPI API's dwParam1..3 for LINE_CALLSTATE and
 * LINE_APPNEWCALL; see docs/trp-packets.md). TotalSize (0) and Msg (16) are implied. Positions
 * not named ("ignore", "0", reserved) are written as 0 and not read.
 */

/** Byte offset of a named DWORD in an event record. */
export type EventFieldOffset = 4 | 8 | 12 | 20 | 24 | 28 | 32 | 36 | 40 | 44 | 48;

/** One named DWORD of an event. */
export interface EventField<N extends string = string> {
  readonly name: N;
  readonly at: EventFieldOffset;
}

/** The layout of one typed event. */
export interface AsyncEventLayout<F extends readonly EventField[] = readonly EventField[]> {
  /** ASYNCEVENTMSG.Msg. */
  readonly msg: number;
  /** TotalSize this layout writes and the least it reads. */
  readonly size: number;
  readonly fields: F;
}

function at<N extends string>(name: N, offset: EventFieldOffset): EventField<N> {
  return { name, at: offset };
}

function event<const F extends readonly EventField[]>(msg: number, size: number, fields: F): AsyncEventLayout<F> {
  return { msg, size, fields };
}

/** The typed events, by type name. */
export const ASYNC_EVENT_LAYOUTS = {
  LINE_REPLY: event(LINE_REPLY, 40, [
    at('InitContext', 4),
    at('lpContext', 8),
    at('OpenContext', 20),
    at('dwRemoteRequestID', 24),
    at('dwResult', 28),
  ]),
  /** LINE_REPLY completing a MakeCall (Pickup and Unpark use the same form): carries the new hCall. */
  MakeCallCompletion: event(LINE_REPLY, 52, [
    at('InitContext', 4),
    at('lpContext', 8),
    at('OpenContext', 20),
    at('dwRemoteRequestID', 24),
    at('dwResult', 28),
    at('hCall', 32),
    at('lphCallContext', 36),
    at('dwAddressID', 40),
    at('dwCallID', 44),
    at('dwRelatedCallID', 48),
  ]),
  LINE_CALLSTATE: event(LINE_CALLSTATE, 40, [
    at('InitContext', 4),
    at('dwCallStateMode', 8),
    at('hCall', 12),
    at('OpenContext', 20),
    at('dwCallState', 24),
    at('dwCallPrivilege', 28),
    at('dwMediaMode', 32),
    at('hRemoteLine', 36),
  ]),
  LINE_CALLINFO: event(LINE_CALLINFO, 40, [
    at('InitContext', 4),
    at('hCall', 12),
    at('OpenContext', 20),
    at('dwCallInfoStates', 24),
    at('hRemoteLine', 36),
  ]),
  LINE_APPNEWCALL: event(LINE_APPNEWCALL, 40, [
    at('InitContext', 4),
    at('hRemoteLine', 12),
    at('OpenContext', 20),
    at('dwAddressID', 24),
    at('hCall', 28),
    at('dwCallID', 32),
    at('dwRelatedCallID', 36),
  ]),
  LINE_CLOSE: event(LINE_CLOSE, 40, [at('InitContext', 4), at('hRemoteLine', 12), at('OpenContext', 20)]),
  LINE_LINEDEVSTATE: event(LINE_LINEDEVSTATE, 40, [
    at('InitContext', 4),
    at('hRemoteLine', 12),
    at('OpenContext', 20),
    /** LINEDEVSTATE_ bits. */
    at('dwDevStates', 24),
    /** RINGING: ring mode; REINIT: LINE_CREATE, LINE_LINEDEVSTATE, or 0 (the client must Shutdown). */
    at('dwParam2', 28),
    /** RINGING: ring count; REINIT: a LINEDEVSTATE_ value. */
    at('dwParam3', 32),
  ]),
  LINE_CREATE: event(LINE_CREATE, 40, [at('InitContext', 4), at('dwDeviceID', 24)]),
  LINE_REMOVE: event(LINE_REMOVE, 40, [at('InitContext', 4), at('dwDeviceID', 24)]),
} as const;

/** The names of the typed events. */
export type AsyncEventType = keyof typeof ASYNC_EVENT_LAYOUTS;

/** A typed event: its type and one DWORD per named field. */
export type TypedAsyncEvent<T extends AsyncEventType = AsyncEventType> = T extends AsyncEventType
  ? { readonly type: T } & { readonly [F in (typeof ASYNC_EVENT_LAYOUTS)[T]['fields'][number] as F['name']]: number }
  : never;
