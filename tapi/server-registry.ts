import {
  LINECALLINFOSTATE_NUMMONITORS,
  LINECALLINFOSTATE_NUMOWNERDECR,
  LINECALLPRIVILEGE_OWNER,
  LINEERR_BADDEVICEID,
  LINEERR_INVALCALLHANDLE,
  LINEERR_NODEVICE,
  LINEERR_NOTOWNER,
  LINE_CALLINFO,
  NDIS_STATUS_SUCCESS,
} from '../oid/index.js';
import type { Clock } from '../sim/clock.js';
import type { NdisTapi } from '../ndistapi/ndis-tapi.js';
import type { NdisTapiClient } from '../ndistapi/ndis-tapi-client.js';
import type { LineApp, OpenLine } from './line-app.js';
import { lineErr, lineErrOfStatus } from './line-errors.js';
import type { LineMessage } from './line-message.js';
import { ServerCall, type CallHandle } from './server-call.js';

/** A call an application holds, found by its hCall. */
export interface Held {
  readonly call: ServerCall;
  readonly handle: CallHandle;
}

/**
 * Who holds what on the TAPI server: the initialized applications, the opens of lines, the calls
 * and each application's handle to them, with the handle values the server gives out. Messages
 * reach an application only through it, and only while the application is initialized and, for
 * a line's or a call's message, while the open is open (ms-trp.md §7.6: nothing after lineClose
 * or lineShutdown). Handle changes carry their LINE_CALLINFO count changes (§7.9).
 */
export class ServerRegistry {
  readonly apps = new Map<number, LineApp>();
  readonly opens = new Map<number, OpenLine>();
  /** Calls by NDISTAPI's htCall. */
  readonly calls = new Map<number, ServerCall>();
  readonly held = new Map<number, Held>();
  /** Lines open at the miniport, by device id: the media modes last set for default detection. */
  readonly deviceDetect = new Map<number, number>();
  /** Devices a LINE_REMOVE took away: their ids stay taken and answer LINEERR_NODEVICE. */
  readonly removed = new Set<number>();
  /** Line devices the provider has. */
  numLines = 0;
  private nextApp = 0x0001_0000;
  private nextLine = 0x0002_0000;
  private nextCall = 0x0003_0000;
  private nextOrder = 1;
  private nextCallId = 1;

  constructor(
    readonly shim: NdisTapi,
    readonly client: NdisTapiClient,
    private readonly clock: Clock | undefined,
  ) {}

  /** The server's time (ms since 1970 UTC), 0 without a clock. */
  now(): number {
    return this.clock?.now() ?? 0;
  }

  newAppHandle(): number {
    return this.nextApp++;
  }

  /** A fresh hLine and the open's place in the opening order. */
  newLineHandle(): { readonly hLine: number; readonly order: number } {
    return { hLine: this.nextLine++, order: this.nextOrder++ };
  }

  /** LINEERR_BADDEVICEID for an id the server never had, LINEERR_NODEVICE for one a LINE_REMOVE took; else 0. */
  badDevice(deviceId: number): number {
    if (!Number.isInteger(deviceId) || deviceId < 0 || deviceId >= this.numLines) return lineErr(LINEERR_BADDEVICEID);
    return this.removed.has(deviceId) ? lineErr(LINEERR_NODEVICE) : 0;
  }

  /** The device id of a line NDISTAPI has open (-1 for none). */
  deviceOf(htLine: number): number {
    for (const d of this.deviceDetect.keys()) if (this.shim.htLineFor(d) === htLine) return d;
    return -1;
  }

  /** The opens of a device, in opening order. */
  opensOf(deviceId: number): OpenLine[] {
    return [...this.opens.values()].filter((o) => o.deviceId === deviceId).sort((a, b) => a.order - b.order);
  }

  /** The owners' opens of a device, in opening order. */
  ownerOpens(deviceId: number): OpenLine[] {
    return this.opensOf(deviceId).filter((o) => (o.privileges & LINECALLPRIVILEGE_OWNER) !== 0);
  }

  /** The call NDISTAPI names `htCall`, made known to the server when it is new. */
  callFor(htCall: number, deviceId: number, inbound: boolean): ServerCall {
    let call = this.calls.get(htCall);
    if (call === undefined) {
      call = new ServerCall(this.nextCallId++, htCall, deviceId, inbound);
      this.calls.set(htCall, call);
    }
    return call;
  }

  /** A call the caller holds, with the owner check for functions only an owner may call. */
  owned(hCall: number, needOwner: boolean): Held | number {
    const h = this.held.get(hCall);
    if (h === undefined) return lineErr(LINEERR_INVALCALLHANDLE);
    if (needOwner && h.handle.privilege !== LINECALLPRIVILEGE_OWNER) return lineErr(LINEERR_NOTOWNER);
    return h;
  }

  /** A message to an application, while it is initialized. */
  toApp(app: LineApp, m: LineMessage): void {
    if (this.apps.get(app.hLineApp) === app) app.post(m);
  }

  /** A message about a line or its calls, to an open while it is open (never after lineClose or lineShutdown). */
  toOpen(o: OpenLine, msg: number, hDevice: number, param1: number, param2: number, param3: number): void {
    if (this.opens.get(o.hLine) === o) this.toApp(o.app, { msg, hDevice, callbackInstance: o.openContext, param1, param2, param3 });
  }

  /** A message about a call, to the holder of a handle. */
  post(h: CallHandle, msg: number, p1: number, p2: number, p3: number): void {
    this.toOpen(h.open, msg, h.hCall, p1, p2, p3);
  }

  /** A new handle to a call for an open's application. */
  give(call: ServerCall, open: OpenLine, privilege: number): CallHandle {
    const h: CallHandle = { hCall: this.nextCall++, open, privilege };
    call.handles.set(open.app, h);
    this.held.set(h.hCall, { call, handle: h });
    return h;
  }

  /**
   * LINE_CALLINFO for a change of owners or monitors (ms-trp.md §7.9): to the holders of a handle
   * other than the application that caused it, never once the call is idle.
   */
  callInfo(call: ServerCall, changed: number, cause: LineApp): void {
    if (call.idle) return;
    for (const [app, h] of call.handles) if (app !== cause) this.post(h, LINE_CALLINFO, changed, 0, 0);
  }

  /** An application's handle goes; the other holders hear of the count change. */
  release(call: ServerCall, h: CallHandle, app: LineApp): void {
    call.handles.delete(app);
    this.held.delete(h.hCall);
    this.callInfo(call, h.privilege === LINECALLPRIVILEGE_OWNER ? LINECALLINFOSTATE_NUMOWNERDECR : LINECALLINFOSTATE_NUMMONITORS, app);
  }

  /** The last handle gone: CLOSE_CALL at the miniport (it drops a live call first). */
  async closeIfUnheld(call: ServerCall): Promise<number> {
    if (call.handles.size > 0 || !this.calls.has(call.htCall)) return 0;
    this.calls.delete(call.htCall);
    const r = await this.client.closeCall(call.htCall);
    return r.status === NDIS_STATUS_SUCCESS ? 0 : lineErrOfStatus(r.status);
  }
}
