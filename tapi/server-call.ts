import { LINECALLPRIVILEGE_MONITOR, LINECALLPRIVILEGE_OWNER } from '../oid/index.js';
import type { LineApp, OpenLine } from './line-app.js';

/** One application's handle to a call, and its privilege over it. */
export interface CallHandle {
  readonly hCall: number;
  readonly open: OpenLine;
  /** LINECALLPRIVILEGE_OWNER or LINECALLPRIVILEGE_MONITOR. */
  privilege: number;
}

/** A call the server knows: NDISTAPI's htCall, its state and media mode, and who holds it. */
export class ServerCall {
  /** LINECALLSTATE_ last indicated (0 before the first). */
  state = 0;
  stateMode = 0;
  mediaMode = 0;
  /** When the call entered its state, on the server's clock (LINECALLSTATUS.tStateEntryTime). */
  stateSince = 0;
  /** The friendly name of the application that made the call (LINECALLINFO's app name); none for incoming calls. */
  appName: string | undefined = undefined;
  /** Whether the call has been handed to applications (incoming: at its first state). */
  distributed = false;
  /** Once IDLE, no LINE_CALLINFO is sent any more (ms-trp.md §7.9). */
  idle = false;
  /** The handles, one per application at most, in the order they were given. */
  readonly handles = new Map<LineApp, CallHandle>();

  constructor(
    /** The server's own id of the call (LINECALLINFO.dwCallID, MS-TRP's dwCallID). */
    readonly callId: number,
    readonly htCall: number,
    readonly deviceId: number,
    readonly inbound: boolean,
  ) {}

  get owners(): number {
    let n = 0;
    for (const h of this.handles.values()) if (h.privilege === LINECALLPRIVILEGE_OWNER) n++;
    return n;
  }

  get monitors(): number {
    let n = 0;
    for (const h of this.handles.values()) if (h.privilege === LINECALLPRIVILEGE_MONITOR) n++;
    return n;
  }
}
