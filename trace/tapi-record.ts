import { LINE_APPNEWCALL, LINE_CALLINFO, LINE_CALLSTATE, LINE_REPLY, nameOf } from '../oid/index.js';
import type { LineMessage } from '../tapi/line-message.js';
import type { TraceRecord } from './trace-record.js';

/** A message the TAPI server sent an application, as a `tapi` record keeps it (JSON data). */
export interface TapiRecordData extends LineMessage {
  /** The application's name (a scenario's `app` name, or its module name). */
  readonly app: string;
}

const decoder = new TextDecoder();

/** The message of a `tapi` record; undefined for another kind or data that is not one. */
export function tapiMessageOf(r: TraceRecord): TapiRecordData | undefined {
  if (r.kind !== 'tapi') return undefined;
  try {
    const v = JSON.parse(decoder.decode(r.data)) as Partial<TapiRecordData>;
    if (typeof v.app !== 'string' || typeof v.msg !== 'number') return undefined;
    return { app: v.app, msg: v.msg, hDevice: v.hDevice ?? 0, callbackInstance: v.callbackInstance ?? 0, param1: v.param1 ?? 0, param2: v.param2 ?? 0, param3: v.param3 ?? 0 };
  } catch {
    return undefined;
  }
}

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;
const privilege = (p: number): string => (p === 0 ? '' : ` ${nameOf('LINECALLPRIVILEGE', p).replace(/LINECALLPRIVILEGE_/g, '')}`);

/** A short readable form: `LINE_CALLSTATE OFFERING hCall=0x30000 OWNER`. */
export function tapiMessageText(m: LineMessage): string {
  const name = nameOf('LINE_MESSAGE', m.msg);
  switch (m.msg) {
    case LINE_APPNEWCALL:
      return `${name} hCall=${hex(m.param2)}${privilege(m.param3)}`;
    case LINE_CALLSTATE:
      return `${name} ${nameOf('LINECALLSTATE', m.param1).replace('LINECALLSTATE_', '')} hCall=${hex(m.hDevice)}${privilege(m.param3)}`;
    case LINE_CALLINFO:
      return `${name} ${nameOf('LINECALLINFOSTATE', m.param1).replace(/LINECALLINFOSTATE_/g, '')} hCall=${hex(m.hDevice)}`;
    case LINE_REPLY:
      return `${name} #${m.param1} ${m.param2 === 0 ? 'ok' : nameOf('LINEERR', m.param2 >>> 0)}${m.param3 === 0 ? '' : ` hCall=${hex(m.param3)}`}`;
    default:
      return `${name} ${hex(m.hDevice)} ${hex(m.param1)} ${hex(m.param2)} ${hex(m.param3)}`;
  }
}
