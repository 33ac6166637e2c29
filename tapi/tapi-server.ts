import {
  LINECALLINFOSTATE_NUMMONITORS,
  LINECALLINFOSTATE_NUMOWNERDECR,
  LINECALLINFOSTATE_NUMOWNERINCR,
  LINECALLPRIVILEGE_MONITOR,
  LINECALLPRIVILEGE_NONE,
  LINECALLPRIVILEGE_OWNER,
  LINECALLSTATE_ACCEPTED,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINECALLSTATE_UNKNOWN,
  LINEERR_BADDEVICEID,
  LINEERR_INCOMPATIBLEAPIVERSION,
  LINEERR_INCOMPATIBLEEXTVERSION,
  LINEERR_INVALADDRESSSTATE,
  LINEERR_INVALCALLSELECT,
  LINEERR_INVALDEVICECLASS,
  LINEERR_INVALLINESTATE,
  LINEERR_INVALADDRESS,
  LINEERR_INVALAPPHANDLE,
  LINEERR_INVALAPPNAME,
  LINEERR_INVALCALLHANDLE,
  LINEERR_INVALCALLPRIVILEGE,
  LINEERR_INVALCALLSTATE,
  LINEERR_INVALLINEHANDLE,
  LINEERR_INVALMEDIAMODE,
  LINEERR_INVALPRIVSELECT,
  LINEERR_NODEVICE,
  LINEERR_NOTOWNER,
  LINEERR_OPERATIONFAILED,
  LINEERR_TARGETNOTFOUND,
  LINEERR_TARGETSELF,
  LINECALLSELECT_ADDRESS,
  LINECALLSELECT_CALL,
  LINECALLSELECT_LINE,
  LINEMEDIAMODE_UNKNOWN,
  LINEMEDIAMODE_VIDEO,
  LINEDEVSTATE_CLOSE,
  LINEDEVSTATE_OPEN,
  LINEDEVSTATE_REINIT,
  LINE_ADDRESSSTATE,
  LINE_APPNEWCALL,
  LINE_CALLINFO,
  LINE_CALLSTATE,
  LINE_CLOSE,
  LINE_CREATE,
  LINE_LINEDEVSTATE,
  LINE_REMOVE,
  LINE_REPLY,
  NDIS_STATUS_SUCCESS,
  OID_TAPI_GET_ADDRESS_CAPS,
  OID_TAPI_GET_ID,
  OID_TAPI_SET_MEDIA_MODE,
  codecFor,
  isCodecError,
} from '../oid/index.js';
import { getIdBuffer } from '../ndistapi/get-id-buffer.js';
import type { Clock } from '../sim/clock.js';
import type { NdisTapi, RequestResult } from '../ndistapi/ndis-tapi.js';
import type { NdisTapiClient } from '../ndistapi/ndis-tapi-client.js';
import type { LineEvent } from '../ndistapi/line-event.js';
import { HandoffPriorities, PROBING_ORDER } from './handoff-priorities.js';
import { LineApp, type OpenLine } from './line-app.js';
import { lineErr, lineErrOfStatus } from './line-errors.js';
import { lineAddressCaps } from './line-address-caps.js';
import { lineCallInfo } from './line-call-info.js';
import { lineCallStatus } from './line-call-status.js';
import { lineDevCaps } from './line-dev-caps.js';
import { ServerCall, type CallHandle } from './server-call.js';
import { varString } from './var-string.js';
import { wholeQuery } from './whole-query.js';

/** The API versions this server negotiates (TAPI 1.3 to 3.0). */
export const API_LOW = 0x0001_0003;
export const API_HIGH = 0x0003_0000;

const oneBit = (x: number): boolean => x !== 0 && (x & (x - 1)) === 0;

/** Every LINEMEDIAMODE_ bit tapi.h defines: UNKNOWN (0x2) to VIDEO (0x8000). */
const MEDIA_MODES = (LINEMEDIAMODE_VIDEO * 2 - LINEMEDIAMODE_UNKNOWN) >>> 0;
/** Every LINEDEVSTATE_ bit tapi.h defines: OTHER (0x1) to REMOVED (0x1000000). */
const LINE_STATES = 0x01ff_ffff;
/** Every LINEADDRESSSTATE_ bit tapi.h defines: OTHER (0x1) to CAPSCHANGE (0x100). */
const ADDRESS_STATES = 0x0000_01ff;
/** API 2.1: up to it, lineSetMediaMode takes one mode, or several only with UNKNOWN (ms-trp.md §2.4). */
const API_2_1 = 0x0002_0001;

export interface TapiServerOptions {
  /** The handoff priority lists (default: none; then the first application to open a line wins). */
  readonly priorities?: HandoffPriorities;
  /** Line devices the provider has (default: as PROVIDER_INITIALIZE reports). */
  readonly lines?: number;
  /** Told the final result of every OID the server sends (for statistics). */
  readonly onResult?: (r: RequestResult) => void;
  /** The clock LINECALLSTATUS.tStateEntryTime is read from (default: none; the time is then 1970-01-01). */
  readonly clock?: Clock;
}

/** A call an application holds, found by its hCall. */
interface Held {
  readonly call: ServerCall;
  readonly handle: CallHandle;
}

/**
 * The TAPI server (TAPISRV) above NDISTAPI, as ms-trp.md §5 and §7 describe it: line applications
 * with their init contexts, lines opened with privileges and media modes (the owners' union is
 * the miniport's default media detection), per-application call handles, incoming calls handed
 * out by the handoff priority lists with monitors getting handles too, LINE_APPNEWCALL and
 * LINE_CALLSTATE to each, LINE_CALLINFO count changes by the rules, and asynchronous functions
 * answered with a request id and a later LINE_REPLY. Requests go down through NdisTapi as OIDs.
 * Where the sources disagree the choice is in docs/tapi.md.
 */
export class TapiServer {
  readonly priorities: HandoffPriorities;
  private readonly apps = new Map<number, LineApp>();
  private readonly opens = new Map<number, OpenLine>();
  private readonly calls = new Map<number, ServerCall>();
  private readonly held = new Map<number, Held>();
  private nextApp = 0x0001_0000;
  private nextLine = 0x0002_0000;
  private nextCall = 0x0003_0000;
  private nextRequest = 1;
  private nextOrder = 1;
  private nextCallId = 1;
  private numLines = 0;
  /** Lines open at the miniport, by device id: the media modes last set for default detection. */
  private readonly deviceDetect = new Map<number, number>();
  /** Lines open at the miniport, by device id: the status messages last set (line, address states). */
  private readonly deviceStates = new Map<number, { readonly line: number; readonly address: number }>();
  private readonly clock: Clock | undefined;
  /** Devices a LINE_REMOVE took away: their ids stay taken and answer LINEERR_NODEVICE. */
  private readonly removed = new Set<number>();

  private readonly client: NdisTapiClient;

  constructor(
    readonly shim: NdisTapi,
    client: NdisTapiClient,
    options: TapiServerOptions = {},
  ) {
    const hook = options.onResult;
    // Every OID the server sends goes through the client; with a hook, each result is reported.
    this.client =
      hook === undefined
        ? client
        : new Proxy(client, {
            get: (target, key: keyof NdisTapiClient) => {
              const f: unknown = target[key];
              if (typeof f !== 'function') return f;
              return (...args: unknown[]) => {
                const out: unknown = (f as (...a: unknown[]) => unknown).apply(target, args);
                return out instanceof Promise ? out.then((r: RequestResult) => (hook(r), r)) : out;
              };
            },
          });
    this.priorities = options.priorities ?? new HandoffPriorities();
    if (options.lines !== undefined) this.numLines = options.lines;
    this.clock = options.clock;
    shim.events$.subscribe((e) => this.onLineEvent(e));
  }

  /** Initializes the provider (PROVIDER_INITIALIZE); returns 0 or a LINEERR_. */
  async start(): Promise<number> {
    const r = await this.client.initialize(0);
    if (r.status !== NDIS_STATUS_SUCCESS) return lineErrOfStatus(r.status);
    if (this.numLines === 0 && !isCodecError(r.value)) this.numLines = r.value.ulNumLineDevs;
    return 0;
  }

  // ---- applications ----

  /** lineInitialize: the application's handle and the number of line devices, or a LINEERR_. */
  initialize(moduleName: string, friendlyName: string, initContext = 0): { readonly hLineApp: number; readonly numDevs: number } | number {
    if (moduleName === '') return lineErr(LINEERR_INVALAPPNAME);
    const app = new LineApp(this.nextApp++, moduleName, friendlyName === '' ? moduleName : friendlyName, initContext);
    this.apps.set(app.hLineApp, app);
    return { hLineApp: app.hLineApp, numDevs: this.numLines };
  }

  /** The application of a handle, for reading its messages. */
  app(hLineApp: number): LineApp | undefined {
    return this.apps.get(hLineApp);
  }

  /** lineShutdown: every line it opened is closed, every call handle deleted. */
  async shutdown(hLineApp: number): Promise<number> {
    const app = this.apps.get(hLineApp);
    if (app === undefined) return lineErr(LINEERR_INVALAPPHANDLE);
    for (const open of [...app.lines.values()]) await this.close(open.hLine);
    this.apps.delete(hLineApp);
    return 0;
  }

  /** lineNegotiateAPIVersion: the highest version both support, or a LINEERR_. */
  negotiateAPIVersion(hLineApp: number, deviceId: number, low: number, high: number): number {
    if (!this.apps.has(hLineApp)) return lineErr(LINEERR_INVALAPPHANDLE);
    const bad = this.badDevice(deviceId);
    if (bad !== 0) return bad;
    const v = Math.min(high, API_HIGH);
    if (v < API_LOW || v < low) return lineErr(LINEERR_INCOMPATIBLEAPIVERSION);
    return v;
  }

  /** LINEERR_BADDEVICEID for an id the server never had, LINEERR_NODEVICE for one a LINE_REMOVE took; else 0. */
  private badDevice(deviceId: number): number {
    if (!Number.isInteger(deviceId) || deviceId < 0 || deviceId >= this.numLines) return lineErr(LINEERR_BADDEVICEID);
    return this.removed.has(deviceId) ? lineErr(LINEERR_NODEVICE) : 0;
  }

  // ---- lines ----

  /**
   * lineOpen: the line's handle, or a LINEERR_. The first open of a device opens it at the
   * miniport; the owners' media modes, together, become its default media detection.
   */
  async open(hLineApp: number, deviceId: number, privileges: number, mediaModes: number, openContext = 0, apiVersion = API_HIGH): Promise<{ readonly hLine: number } | number> {
    const app = this.apps.get(hLineApp);
    if (app === undefined) return lineErr(LINEERR_INVALAPPHANDLE);
    const bad = this.badDevice(deviceId);
    if (bad !== 0) return bad;
    if (apiVersion < API_LOW || apiVersion > API_HIGH) return lineErr(LINEERR_INCOMPATIBLEAPIVERSION);
    const p = privileges >>> 0;
    if (p !== LINECALLPRIVILEGE_NONE && (p & ~(LINECALLPRIVILEGE_MONITOR | LINECALLPRIVILEGE_OWNER)) !== 0) return lineErr(LINEERR_INVALPRIVSELECT);
    if (p === 0) return lineErr(LINEERR_INVALPRIVSELECT);
    const owner = (p & LINECALLPRIVILEGE_OWNER) !== 0;
    if (owner && mediaModes === 0) return lineErr(LINEERR_INVALMEDIAMODE);
    if (!this.deviceDetect.has(deviceId)) {
      const r = await this.client.open(deviceId);
      if (r.status !== NDIS_STATUS_SUCCESS) return lineErrOfStatus(r.status);
      this.deviceDetect.set(deviceId, 0);
    }
    const open: OpenLine = { hLine: this.nextLine++, app, deviceId, privileges: p, mediaModes: owner ? mediaModes >>> 0 : 0, lineStates: 0, addressStates: 0, openContext, apiVersion, order: this.nextOrder++ };
    this.opens.set(open.hLine, open);
    app.lines.set(open.hLine, open);
    const detect = await this.updateDetection(deviceId);
    if (detect !== 0) {
      this.opens.delete(open.hLine);
      app.lines.delete(open.hLine);
      return detect;
    }
    this.lineDevState(deviceId, LINEDEVSTATE_OPEN, 0, 0, open);
    return { hLine: open.hLine };
  }

  /**
   * lineClose: the application's calls on the line lose their handles; a call it alone owned,
   * not idle, is dropped; the last close of a device closes it at the miniport.
   */
  async close(hLine: number): Promise<number> {
    const open = this.opens.get(hLine);
    if (open === undefined) return lineErr(LINEERR_INVALLINEHANDLE);
    for (const call of [...this.calls.values()]) {
      const h = call.handles.get(open.app);
      if (h === undefined || h.open !== open) continue;
      if (h.privilege === LINECALLPRIVILEGE_OWNER && call.owners === 1 && !call.idle) await this.client.drop(call.htCall);
      this.release(call, h, open.app);
    }
    this.opens.delete(hLine);
    open.app.lines.delete(hLine);
    this.lineDevState(open.deviceId, LINEDEVSTATE_CLOSE, 0, 0, open);
    if (![...this.opens.values()].some((o) => o.deviceId === open.deviceId)) {
      this.deviceDetect.delete(open.deviceId);
      this.deviceStates.delete(open.deviceId);
      const r = await this.client.close(this.shim.htLineFor(open.deviceId));
      return r.status === NDIS_STATUS_SUCCESS ? 0 : lineErrOfStatus(r.status);
    }
    const detect = await this.updateDetection(open.deviceId);
    return detect !== 0 ? detect : this.updateStatusMessages(open.deviceId);
  }

  /** The owners' media modes on a device, pushed to the miniport when they changed. */
  private async updateDetection(deviceId: number): Promise<number> {
    let modes = 0;
    for (const o of this.opens.values()) if (o.deviceId === deviceId) modes |= o.mediaModes;
    if (this.deviceDetect.get(deviceId) === modes) return 0;
    const r = await this.client.setDefaultMediaDetection(this.shim.htLineFor(deviceId), modes >>> 0);
    if (r.status !== NDIS_STATUS_SUCCESS) return lineErrOfStatus(r.status);
    this.deviceDetect.set(deviceId, modes);
    return 0;
  }

  // ---- calls: asynchronous functions ----

  /** A positive request id: the client's own when it gave one in 1..0x7FFFFFFF, else a fresh one. */
  private requestId(given: number): number {
    if (given >= 1 && given <= 0x7fff_ffff) return given;
    const id = this.nextRequest;
    this.nextRequest = this.nextRequest >= 0x7fff_ffff ? 1 : this.nextRequest + 1;
    return id;
  }

  /** Runs an OID for an asynchronous function and answers it with LINE_REPLY to `app`. */
  private reply(app: LineApp, requestId: number, work: Promise<number>): number {
    void work.then(
      (result) => this.postReply(app, requestId, result),
      () => this.postReply(app, requestId, lineErr(LINEERR_OPERATIONFAILED)),
    );
    return requestId;
  }

  private postReply(app: LineApp, requestId: number, result: number, param3 = 0): void {
    // A reply for an application that shut down meanwhile is not sent (ms-trp.md §5.1).
    if (!this.apps.has(app.hLineApp)) return;
    app.post({ msg: LINE_REPLY, hDevice: 0, callbackInstance: app.initContext, param1: requestId, param2: result, param3 });
  }

  /** A call the caller holds, with the owner check for functions only an owner may call. */
  private owned(hCall: number, needOwner: boolean): Held | number {
    const h = this.held.get(hCall);
    if (h === undefined) return lineErr(LINEERR_INVALCALLHANDLE);
    if (needOwner && h.handle.privilege !== LINECALLPRIVILEGE_OWNER) return lineErr(LINEERR_NOTOWNER);
    return h;
  }

  /** An asynchronous function only an owner may call: its OID, then LINE_REPLY with the result. */
  private ownerRequest(hCall: number, requestId: number, send: (htCall: number) => Promise<RequestResult>): number {
    const h = this.owned(hCall, true);
    if (typeof h === 'number') return h;
    return this.reply(h.handle.open.app, this.requestId(requestId), send(h.call.htCall).then((r) => lineErrOfStatus(r.status)));
  }

  /** lineAnswer: a request id (LINE_REPLY follows) or a LINEERR_. */
  answer(hCall: number, requestId = 0): number {
    return this.ownerRequest(hCall, requestId, (htCall) => this.client.answer(htCall));
  }

  /** lineAccept. */
  accept(hCall: number, requestId = 0): number {
    return this.ownerRequest(hCall, requestId, (htCall) => this.client.accept(htCall));
  }

  /** lineDrop. */
  drop(hCall: number, requestId = 0): number {
    return this.ownerRequest(hCall, requestId, (htCall) => this.client.drop(htCall));
  }

  /** lineSecureCall: an owner, in any call state. */
  secureCall(hCall: number, requestId = 0): number {
    return this.ownerRequest(hCall, requestId, (htCall) => this.client.secureCall(htCall));
  }

  /**
   * lineMakeCall: a request id; the LINE_REPLY carries the new hCall in param3 when it succeeded
   * (the MakeCall completion form), and the caller owns the call.
   */
  makeCall(hLine: number, destination: string, requestId = 0): number {
    const open = this.opens.get(hLine);
    if (open === undefined) return lineErr(LINEERR_INVALLINEHANDLE);
    const id = this.requestId(requestId);
    void this.client.makeCall(this.shim.htLineFor(open.deviceId), destination).then(
      (r) => {
        const result = lineErrOfStatus(r.status);
        if (result !== 0) return this.postReply(open.app, id, result);
        const call = this.callFor(r.htCall, open.deviceId, false);
        call.distributed = true;
        call.appName = open.app.friendlyName;
        // States the miniport indicated while MAKE_CALL was outstanding reached NDISTAPI before the server knew the call.
        const tracked = this.shim.calls.get(r.htCall);
        if (call.state === 0 && tracked !== undefined && tracked.state !== 0) {
          call.state = tracked.state;
          call.stateSince = this.clock?.now() ?? 0;
        }
        const handle = this.give(call, open, LINECALLPRIVILEGE_OWNER);
        // Monitors of the line get handles too, through the LINECALLSTATE_UNKNOWN mechanism (ms-trp.md §4.3).
        const watchers = this.opensOf(open.deviceId).filter((o) => (o.privileges & LINECALLPRIVILEGE_MONITOR) !== 0 && !call.handles.has(o.app));
        const given = watchers.map((o) => this.give(call, o, LINECALLPRIVILEGE_MONITOR));
        this.postReply(open.app, id, 0, handle.hCall);
        for (const h of given) this.announceMade(call, h);
      },
      () => this.postReply(open.app, id, lineErr(LINEERR_OPERATIONFAILED)),
    );
    return id;
  }

  // ---- calls: synchronous functions ----

  /**
   * lineDeallocateCall: the handle goes. A sole owner may deallocate a call that is not idle
   * (TAPI 2.0 and later: docs/tapi.md, decision 4), leaving it without an owner. When the last
   * handle goes, the call is closed at the miniport (CLOSE_CALL drops it if it is live).
   */
  async deallocateCall(hCall: number): Promise<number> {
    const h = this.owned(hCall, false);
    if (typeof h === 'number') return h;
    this.release(h.call, h.handle, h.handle.open.app);
    return this.closeIfUnheld(h.call);
  }

  /**
   * lineSetCallPrivilege: owner or monitor. The sole owner of a call that is not idle cannot
   * become a monitor (LINEERR_INVALCALLSTATE). Other holders hear of the count change.
   */
  setCallPrivilege(hCall: number, privilege: number): number {
    const h = this.owned(hCall, false);
    if (typeof h === 'number') return h;
    if (privilege !== LINECALLPRIVILEGE_OWNER && privilege !== LINECALLPRIVILEGE_MONITOR) return lineErr(LINEERR_INVALCALLPRIVILEGE);
    const { call, handle } = h;
    if (handle.privilege === privilege) return 0;
    if (privilege === LINECALLPRIVILEGE_MONITOR && call.owners === 1 && !call.idle) return lineErr(LINEERR_INVALCALLSTATE);
    handle.privilege = privilege;
    this.callInfo(call, (privilege === LINECALLPRIVILEGE_OWNER ? LINECALLINFOSTATE_NUMOWNERINCR : LINECALLINFOSTATE_NUMOWNERDECR) | LINECALLINFOSTATE_NUMMONITORS, handle.open.app);
    return 0;
  }

  /**
   * lineGetNewCalls: handles, with monitor privilege (the TAPI API's rule: docs/tapi.md,
   * decision 3), to the calls on the line the application has none for.
   */
  getNewCalls(hLine: number): readonly number[] | number {
    const open = this.opens.get(hLine);
    if (open === undefined) return lineErr(LINEERR_INVALLINEHANDLE);
    const out: number[] = [];
    for (const call of this.calls.values()) {
      if (call.deviceId !== open.deviceId || call.handles.has(open.app) || call.idle) continue;
      out.push(this.give(call, open, LINECALLPRIVILEGE_MONITOR).hCall);
      this.callInfo(call, LINECALLINFOSTATE_NUMMONITORS, open.app);
    }
    return out;
  }

  /**
   * lineHandoff: to the application `fileName` names, or (no name) to the highest-priority one
   * that has the line open as owner for `mediaMode` (one bit). The target becomes owner and gets
   * LINE_CALLSTATE with OWNER in param3 (after LINE_APPNEWCALL if it had no handle); the caller
   * keeps its own privilege.
   */
  handoff(hCall: number, fileName: string | undefined, mediaMode: number): number {
    const h = this.owned(hCall, true);
    if (typeof h === 'number') return h;
    const { call, handle } = h;
    const me = handle.open.app;
    let target: OpenLine | undefined;
    if (fileName !== undefined && fileName !== '') {
      target = this.ownerOpens(call.deviceId).find((o) => o.app.moduleName.toLowerCase() === fileName.toLowerCase());
      if (target === undefined) return lineErr(LINEERR_TARGETNOTFOUND);
      if (target.app === me) return 0;
    } else {
      if (!oneBit(mediaMode)) return lineErr(LINEERR_INVALMEDIAMODE);
      const ranked = this.rankedOwners(call.deviceId, mediaMode);
      target = ranked[0];
      if (target === undefined) return lineErr(LINEERR_TARGETNOTFOUND);
      if (target.app === me) return lineErr(LINEERR_TARGETSELF);
    }
    const existing = call.handles.get(target.app);
    if (existing === undefined) {
      const given = this.give(call, target, LINECALLPRIVILEGE_OWNER);
      this.announce(call, given);
      this.callInfo(call, LINECALLINFOSTATE_NUMOWNERINCR, target.app);
    } else {
      const was = existing.privilege;
      existing.privilege = LINECALLPRIVILEGE_OWNER;
      this.post(existing, LINE_CALLSTATE, call.state, call.stateMode, LINECALLPRIVILEGE_OWNER);
      if (was !== LINECALLPRIVILEGE_OWNER) this.callInfo(call, LINECALLINFOSTATE_NUMOWNERINCR | LINECALLINFOSTATE_NUMMONITORS, target.app);
    }
    return 0;
  }

  // ---- information and configuration ----

  /**
   * lineGetCallStatus: LINECALLSTATUS of `totalSize` bytes at most (the application's
   * dwTotalSize), from the miniport's LINE_CALL_STATUS, with the caller's own privilege and, for
   * API 2.0 and later, the time the call entered its state. Monitors may ask. The bytes are
   * dwUsedSize long; LINEERR_STRUCTURETOOSMALL when `totalSize` is below the fixed size of the
   * version the line was opened with.
   */
  async getCallStatus(hCall: number, totalSize: number): Promise<Uint8Array | number> {
    const h = this.owned(hCall, false);
    if (typeof h === 'number') return h;
    const v = await wholeQuery((reserve) => this.client.getCallStatus(h.call.htCall, reserve), (x) => x.LineCallStatus);
    if (typeof v === 'number') return v;
    return lineCallStatus(v.LineCallStatus, h.handle.privilege, h.call.stateSince, h.handle.open.apiVersion, totalSize);
  }

  /**
   * lineGetCallInfo: LINECALLINFO from the miniport's LINE_CALL_INFO, with the server's own
   * members: the caller's hLine, the line's device id, the call id its messages carry, the
   * number of owners and monitors, the media mode and the originating application's name.
   */
  async getCallInfo(hCall: number, totalSize: number): Promise<Uint8Array | number> {
    const h = this.owned(hCall, false);
    if (typeof h === 'number') return h;
    const v = await wholeQuery((reserve) => this.client.getCallInfo(h.call.htCall, reserve), (x) => x.LineCallInfo);
    if (typeof v === 'number') return v;
    const c = h.call;
    return lineCallInfo(
      v.LineCallInfo,
      { hLine: h.handle.open.hLine, deviceId: c.deviceId, callId: c.callId, numOwners: c.owners, numMonitors: c.monitors, mediaMode: c.mediaMode || v.LineCallInfo.ulMediaMode, appName: c.appName },
      h.handle.open.apiVersion,
      totalSize,
    );
  }

  /** The checks lineGetDevCaps and lineGetAddressCaps share: the application, the device, the versions. */
  private capsCheck(hLineApp: number, deviceId: number, apiVersion: number, extVersion: number): number {
    if (!this.apps.has(hLineApp)) return lineErr(LINEERR_INVALAPPHANDLE);
    const bad = this.badDevice(deviceId);
    if (bad !== 0) return bad;
    if (apiVersion < API_LOW || apiVersion > API_HIGH) return lineErr(LINEERR_INCOMPATIBLEAPIVERSION);
    // The server negotiates no extension versions (lineNegotiateExtVersion is not served).
    if (extVersion !== 0) return lineErr(LINEERR_INCOMPATIBLEEXTVERSION);
    return 0;
  }

  /**
   * lineGetDevCaps: LINEDEVCAPS of the version `apiVersion` from the miniport's LINE_DEV_CAPS
   * (OID_TAPI_GET_DEV_CAPS; the line need not be open), its text in UTF-16LE.
   */
  async getDevCaps(hLineApp: number, deviceId: number, apiVersion: number, extVersion: number, totalSize: number): Promise<Uint8Array | number> {
    const bad = this.capsCheck(hLineApp, deviceId, apiVersion, extVersion);
    if (bad !== 0) return bad;
    const v = await wholeQuery((reserve) => this.client.getDevCaps(deviceId, reserve), (x) => x.LineDevCaps);
    if (typeof v === 'number') return v;
    return lineDevCaps(v.LineDevCaps, apiVersion, totalSize);
  }

  /** lineGetAddressCaps: LINEADDRESSCAPS from the miniport's LINE_ADDRESS_CAPS (OID_TAPI_GET_ADDRESS_CAPS). */
  async getAddressCaps(hLineApp: number, deviceId: number, addressId: number, apiVersion: number, extVersion: number, totalSize: number): Promise<Uint8Array | number> {
    const bad = this.capsCheck(hLineApp, deviceId, apiVersion, extVersion);
    if (bad !== 0) return bad;
    const at = codecFor('NDIS_TAPI_GET_ADDRESS_CAPS', this.shim.miniport.abi, this.shim.miniport.variant).layout.offsets['LineAddressCaps'] ?? 0;
    const v = await wholeQuery(
      (reserve) =>
        this.client.send(OID_TAPI_GET_ADDRESS_CAPS, 'NDIS_TAPI_GET_ADDRESS_CAPS', { ulDeviceID: deviceId, ulAddressID: addressId, ulExtVersion: extVersion, LineAddressCaps: { ulTotalSize: reserve } }, at + reserve),
      (x) => x.LineAddressCaps,
    );
    if (typeof v === 'number') return v;
    return lineAddressCaps(v.LineAddressCaps, apiVersion, totalSize);
  }

  /**
   * lineGetID: the device id of a line (LINECALLSELECT_LINE), an address (ADDRESS) or a call
   * (CALL) for a device class, as a VARSTRING, from the miniport's OID_TAPI_GET_ID ("tapi/line"
   * gives the line's device id, "ndis" a call's NdisLinkContext). The handle the selection names
   * must be the caller's own.
   */
  async getId(hLine: number, addressId: number, hCall: number, select: number, deviceClass: string, totalSize: number): Promise<Uint8Array | number> {
    let target: { readonly ulSelect: number; readonly hdLine?: number; readonly ulAddressID?: number; readonly hdCall?: number };
    if (select === LINECALLSELECT_LINE || select === LINECALLSELECT_ADDRESS) {
      const open = this.opens.get(hLine);
      if (open === undefined) return lineErr(LINEERR_INVALLINEHANDLE);
      const hdLine = this.client.hdLine(this.shim.htLineFor(open.deviceId));
      target = select === LINECALLSELECT_LINE ? { ulSelect: select, hdLine } : { ulSelect: select, hdLine, ulAddressID: addressId };
    } else if (select === LINECALLSELECT_CALL) {
      const h = this.owned(hCall, false);
      if (typeof h === 'number') return h;
      target = { ulSelect: select, hdCall: this.client.hdCall(h.call.htCall) };
    } else {
      return lineErr(LINEERR_INVALCALLSELECT);
    }
    if (deviceClass === '') return lineErr(LINEERR_INVALDEVICECLASS);
    const m = this.shim.miniport;
    const v = await wholeQuery((reserve) => {
      const buffer = getIdBuffer(m.abi, m.variant, target, deviceClass, reserve);
      return isCodecError(buffer) ? Promise.reject(buffer) : this.client.sendBytes(OID_TAPI_GET_ID, 'NDIS_TAPI_GET_ID', buffer);
    }, (x) => x.DeviceID).catch(() => lineErr(LINEERR_OPERATIONFAILED));
    if (typeof v === 'number') return v;
    return varString(v.DeviceID, totalSize);
  }

  /**
   * SetDefaultMediaDetection (MS-TRP 76) on an open line: the media modes the application takes
   * calls of, in place of those it opened with. Nonzero modes make the open an owner's for them;
   * 0 takes its owner candidacy away (its monitoring stays). The owners' union goes to the
   * miniport; a mode it cannot detect fails the request and changes nothing (docs/tapi.md).
   */
  async setDefaultMediaDetection(hLine: number, mediaModes: number): Promise<number> {
    const open = this.opens.get(hLine);
    if (open === undefined) return lineErr(LINEERR_INVALLINEHANDLE);
    const modes = mediaModes >>> 0;
    if ((modes & ~MEDIA_MODES) !== 0) return lineErr(LINEERR_INVALMEDIAMODE);
    const before = { privileges: open.privileges, mediaModes: open.mediaModes };
    open.mediaModes = modes;
    open.privileges = modes !== 0 ? (open.privileges & ~LINECALLPRIVILEGE_NONE) | LINECALLPRIVILEGE_OWNER : open.privileges & ~LINECALLPRIVILEGE_OWNER || LINECALLPRIVILEGE_NONE;
    const r = await this.updateDetection(open.deviceId);
    if (r !== 0) {
      open.privileges = before.privileges;
      open.mediaModes = before.mediaModes;
    }
    return r;
  }

  /**
   * lineSetStatusMessages: the line and address state changes the application hears of. Bits
   * tapi.h does not define are LINEERR_INVALLINESTATE / LINEERR_INVALADDRESSSTATE. The union over
   * the device's opens goes to the miniport (OID_TAPI_SET_STATUS_MESSAGES); states it cannot report
   * fail the request with its status, and nothing changes.
   */
  async setStatusMessages(hLine: number, lineStates: number, addressStates: number): Promise<number> {
    const open = this.opens.get(hLine);
    if (open === undefined) return lineErr(LINEERR_INVALLINEHANDLE);
    if (((lineStates >>> 0) & ~LINE_STATES) !== 0) return lineErr(LINEERR_INVALLINESTATE);
    if (((addressStates >>> 0) & ~ADDRESS_STATES) !== 0) return lineErr(LINEERR_INVALADDRESSSTATE);
    const before = { line: open.lineStates, address: open.addressStates };
    open.lineStates = lineStates >>> 0;
    open.addressStates = addressStates >>> 0;
    const r = await this.updateStatusMessages(open.deviceId);
    if (r !== 0) {
      open.lineStates = before.line;
      open.addressStates = before.address;
    }
    return r;
  }

  /** The opens' status messages on a device, together, pushed to the miniport when they changed. */
  private async updateStatusMessages(deviceId: number): Promise<number> {
    let line = 0;
    let address = 0;
    for (const o of this.opens.values()) {
      if (o.deviceId !== deviceId) continue;
      line |= o.lineStates;
      address |= o.addressStates;
    }
    const was = this.deviceStates.get(deviceId) ?? { line: 0, address: 0 };
    if (was.line === line && was.address === address) return 0;
    const r = await this.client.setStatusMessages(this.shim.htLineFor(deviceId), line >>> 0, address >>> 0);
    if (r.status !== NDIS_STATUS_SUCCESS) return lineErrOfStatus(r.status);
    this.deviceStates.set(deviceId, { line, address });
    return 0;
  }

  /**
   * lineSetMediaMode: an owner's (ms-trp.md §7.1). Up to API 2.1, one LINEMEDIAMODE_ bit, or
   * several only with UNKNOWN (ms-trp.md §2.4); a bit tapi.h does not define, or none, is
   * LINEERR_INVALMEDIAMODE. Then OID_TAPI_SET_MEDIA_MODE; the miniport's LINE_CALLINFO
   * (MEDIAMODE) reaches every holder.
   */
  async setMediaMode(hCall: number, mediaMode: number): Promise<number> {
    const h = this.owned(hCall, true);
    if (typeof h === 'number') return h;
    const m = mediaMode >>> 0;
    if (m === 0 || (m & ~MEDIA_MODES) !== 0) return lineErr(LINEERR_INVALMEDIAMODE);
    if (h.handle.open.apiVersion <= API_2_1 && (m & LINEMEDIAMODE_UNKNOWN) === 0 && !oneBit(m)) return lineErr(LINEERR_INVALMEDIAMODE);
    const r = await this.client.send(OID_TAPI_SET_MEDIA_MODE, 'NDIS_TAPI_SET_MEDIA_MODE', { hdCall: this.client.hdCall(h.call.htCall), ulMediaMode: m });
    if (r.status !== NDIS_STATUS_SUCCESS) return lineErrOfStatus(r.status);
    h.call.mediaMode = m;
    return 0;
  }

  /** lineSetAppSpecific: an owner's; OID_TAPI_SET_APP_SPECIFIC, whose LINE_CALLINFO (APPSPECIFIC) reaches every holder. */
  async setAppSpecific(hCall: number, appSpecific: number): Promise<number> {
    const h = this.owned(hCall, true);
    if (typeof h === 'number') return h;
    const r = await this.client.setAppSpecific(h.call.htCall, appSpecific >>> 0);
    return lineErrOfStatus(r.status);
  }

  /**
   * lineBlindTransfer: an owner, a CONNECTED call. NDISTAPI has no OID for it; the request goes to
   * the miniport as wanemu's OID_TAPI_DEV_SPECIFIC transfer (docs/tapi.md, decision 7), and a
   * miniport without it answers NDIS_STATUS_TAPI_OPERATIONUNAVAIL, which LINE_REPLY carries.
   */
  blindTransfer(hCall: number, destination: string, requestId = 0): number {
    return this.transfer(hCall, destination, requestId, 'blind');
  }

  /** lineRedirect: an owner, an OFFERING (or ACCEPTED) call, the same way as blindTransfer. */
  redirect(hCall: number, destination: string, requestId = 0): number {
    return this.transfer(hCall, destination, requestId, 'redirect');
  }

  private transfer(hCall: number, destination: string, requestId: number, how: 'blind' | 'redirect'): number {
    const h = this.owned(hCall, true);
    if (typeof h === 'number') return h;
    if (destination === '') return lineErr(LINEERR_INVALADDRESS);
    const s = h.call.state;
    const allowed = how === 'blind' ? s === LINECALLSTATE_CONNECTED : s === LINECALLSTATE_OFFERING || s === LINECALLSTATE_ACCEPTED;
    if (!allowed) return lineErr(LINEERR_INVALCALLSTATE);
    return this.ownerRequest(hCall, requestId, (htCall) => this.client.transferCall(htCall, how, destination));
  }

  /** What the server knows of the call a handle names: its line handle, media mode and id. */
  callOf(hCall: number): { readonly hLine: number; readonly mediaMode: number; readonly callId: number } | undefined {
    const h = this.held.get(hCall);
    return h === undefined ? undefined : { hLine: h.handle.open.hLine, mediaMode: h.call.mediaMode, callId: h.call.callId };
  }

  /** The application (hLineApp) that holds a call handle, or undefined when the handle is not valid. */
  appOfCall(hCall: number): number | undefined {
    return this.held.get(hCall)?.handle.open.app.hLineApp;
  }

  /** The application (hLineApp) that opened a line handle, or undefined when the handle is not valid. */
  appOfLine(hLine: number): number | undefined {
    return this.opens.get(hLine)?.app.hLineApp;
  }

  /** The privilege an application's handle has (0 when the handle is not valid). */
  privilegeOf(hCall: number): number {
    return this.held.get(hCall)?.handle.privilege ?? 0;
  }

  // ---- events of the server's own ----

  private opensOf(deviceId: number): OpenLine[] {
    return [...this.opens.values()].filter((o) => o.deviceId === deviceId).sort((a, b) => a.order - b.order);
  }

  /**
   * LINE_LINEDEVSTATE to every open of a device that asked for one of `states` with
   * lineSetStatusMessages (REINIT always goes: it cannot be disabled), carrying only the states
   * it asked for; `cause`, an open that made the change itself, is not told.
   */
  private lineDevState(deviceId: number, states: number, p2: number, p3: number, cause: OpenLine | undefined): void {
    for (const o of this.opensOf(deviceId)) {
      if (o === cause) continue;
      const mine = (states & (o.lineStates | LINEDEVSTATE_REINIT)) >>> 0;
      if (mine !== 0) o.app.post({ msg: LINE_LINEDEVSTATE, hDevice: o.hLine, callbackInstance: o.openContext, param1: mine, param2: p2, param3: p3 });
    }
  }

  /**
   * The line is closed under its applications (the miniport's LINE_CLOSE, a removed device, the
   * provider's shutdown): every handle to its calls goes, every open of it gets LINE_CLOSE and
   * is gone, then, as NDISTAPI does, the calls are closed (OID_TAPI_CLOSE_CALL drops a live one)
   * and the line (OID_TAPI_CLOSE). No LINE_CALLINFO: nobody is left holding the calls.
   */
  private async forceClose(deviceId: number): Promise<void> {
    const opens = this.opensOf(deviceId);
    if (opens.length === 0) return;
    const calls = [...this.calls.values()].filter((c) => c.deviceId === deviceId);
    for (const call of calls) {
      for (const h of call.handles.values()) this.held.delete(h.hCall);
      call.handles.clear();
    }
    for (const o of opens) {
      this.opens.delete(o.hLine);
      o.app.lines.delete(o.hLine);
    }
    for (const o of opens) o.app.post({ msg: LINE_CLOSE, hDevice: o.hLine, callbackInstance: o.openContext, param1: 0, param2: 0, param3: 0 });
    for (const call of calls) await this.closeIfUnheld(call);
    this.deviceDetect.delete(deviceId);
    this.deviceStates.delete(deviceId);
    await this.client.close(this.shim.htLineFor(deviceId));
  }

  /** A new line device (the miniport's LINE_CREATE): the next device id, LINE_CREATE to every application. */
  private lineCreated(): void {
    const deviceId = this.numLines++;
    for (const app of this.apps.values()) app.post({ msg: LINE_CREATE, hDevice: 0, callbackInstance: app.initContext, param1: deviceId, param2: 0, param3: 0 });
  }

  /** A line device gone (a LINE_REMOVE naming its device id): closed under its applications, LINE_REMOVE to every application. */
  private async lineRemoved(deviceId: number): Promise<void> {
    if (this.badDevice(deviceId) !== 0) return;
    this.removed.add(deviceId);
    await this.forceClose(deviceId);
    for (const app of this.apps.values()) app.post({ msg: LINE_REMOVE, hDevice: 0, callbackInstance: app.initContext, param1: deviceId, param2: 0, param3: 0 });
  }

  /**
   * The provider goes away (OID_TAPI_PROVIDER_SHUTDOWN): every open line is closed under its
   * applications with LINE_CLOSE first. Returns 0 or the LINEERR_ of the shutdown.
   */
  async stop(): Promise<number> {
    for (const deviceId of [...this.deviceDetect.keys()]) await this.forceClose(deviceId);
    const r = await this.client.shutdown();
    return lineErrOfStatus(r.status);
  }

  // ---- incoming calls ----

  private onLineEvent(e: LineEvent): void {
    switch (e.type) {
      case 'newCall':
        this.callFor(e.htCall, this.deviceOf(e.htLine), true);
        return;
      case 'callState': {
        const call = this.calls.get(e.htCall);
        if (call === undefined) return;
        if (call.state !== e.state) call.stateSince = this.clock?.now() ?? 0;
        call.state = e.state;
        call.stateMode = e.mode;
        if (e.state === LINECALLSTATE_IDLE) call.idle = true;
        if (!call.distributed) {
          call.mediaMode = e.mediaMode;
          this.distribute(call);
          return;
        }
        for (const handle of call.handles.values()) this.post(handle, LINE_CALLSTATE, e.state, e.mode, 0);
        return;
      }
      case 'lineDevState': {
        const deviceId = this.deviceOf(e.htLine);
        if (deviceId >= 0) this.lineDevState(deviceId, e.state, e.param2, e.param3, undefined);
        return;
      }
      case 'addressState': {
        const deviceId = this.deviceOf(e.htLine);
        for (const o of this.opensOf(deviceId)) {
          const states = e.state & o.addressStates;
          if (states !== 0) o.app.post({ msg: LINE_ADDRESSSTATE, hDevice: o.hLine, callbackInstance: o.openContext, param1: e.addressId, param2: states >>> 0, param3: 0 });
        }
        return;
      }
      case 'lineClose': {
        const deviceId = this.deviceOf(e.htLine);
        if (deviceId >= 0) void this.forceClose(deviceId);
        return;
      }
      case 'other':
        if (e.msg === LINE_CREATE) this.lineCreated();
        else if (e.msg === LINE_REMOVE) void this.lineRemoved(e.param1);
        return;
      case 'callInfo': {
        // The miniport's own changes (media mode, app-specific ...) go to every holder, never after IDLE.
        const call = this.calls.get(e.htCall);
        if (call === undefined || !call.distributed || call.idle) return;
        for (const handle of call.handles.values()) this.post(handle, LINE_CALLINFO, e.changed, 0, 0);
        return;
      }
    }
  }

  private deviceOf(htLine: number): number {
    for (const d of this.deviceDetect.keys()) if (this.shim.htLineFor(d) === htLine) return d;
    return -1;
  }

  private callFor(htCall: number, deviceId: number, inbound: boolean): ServerCall {
    let call = this.calls.get(htCall);
    if (call === undefined) {
      call = new ServerCall(this.nextCallId++, htCall, deviceId, inbound);
      this.calls.set(htCall, call);
    }
    return call;
  }

  private ownerOpens(deviceId: number): OpenLine[] {
    return [...this.opens.values()].filter((o) => o.deviceId === deviceId && (o.privileges & LINECALLPRIVILEGE_OWNER) !== 0).sort((a, b) => a.order - b.order);
  }

  /** Owners of a device open for one media mode, highest priority first. */
  private rankedOwners(deviceId: number, mediaMode: number): OpenLine[] {
    const candidates = this.ownerOpens(deviceId).filter((o) => (o.mediaModes & mediaMode) !== 0);
    return this.priorities.order(mediaMode, candidates, (o) => o.app.moduleName);
  }

  /**
   * The initial owner (ms-trp.md §7.3, §7.4): for one known media mode, the highest-priority
   * application with the line open as owner for it; with UNKNOWN, the unknown application, or,
   * without one, the first candidate mode in probing order that has an owner. Then every monitor.
   * A call nobody owns is dropped unless it is OFFERING or IDLE (§7.8).
   */
  private distribute(call: ServerCall): void {
    call.distributed = true;
    const m = call.mediaMode >>> 0;
    let owner: OpenLine | undefined;
    if ((m & LINEMEDIAMODE_UNKNOWN) === 0) {
      if (oneBit(m)) owner = this.rankedOwners(call.deviceId, m)[0];
    } else {
      owner = this.rankedOwners(call.deviceId, LINEMEDIAMODE_UNKNOWN)[0];
      // No unknown application: TAPI plays one (§7.4 B). The highest-priority candidate bit that has
      // an owner wins; each bit tried before it, nobody's, is cleared from the call's media mode.
      for (const bit of PROBING_ORDER) {
        if (owner !== undefined) break;
        if ((m & bit) === 0) continue;
        owner = this.rankedOwners(call.deviceId, bit)[0];
        if (owner === undefined) call.mediaMode = (call.mediaMode & ~bit) >>> 0;
      }
    }
    const given: CallHandle[] = [];
    if (owner !== undefined) given.push(this.give(call, owner, LINECALLPRIVILEGE_OWNER));
    for (const o of [...this.opens.values()].sort((a, b) => a.order - b.order)) {
      if (o.deviceId !== call.deviceId || (o.privileges & LINECALLPRIVILEGE_MONITOR) === 0 || call.handles.has(o.app)) continue;
      given.push(this.give(call, o, LINECALLPRIVILEGE_MONITOR));
    }
    // The counts are final before anyone hears of the call, and no LINE_CALLINFO goes with it.
    for (const h of given) this.announce(call, h);
    if (owner === undefined && call.state !== LINECALLSTATE_OFFERING && call.state !== LINECALLSTATE_IDLE) void this.client.drop(call.htCall);
    if (given.length === 0 && call.idle) void this.closeIfUnheld(call);
  }

  /** LINE_APPNEWCALL then the call's state, with the privilege in param3 (docs/tapi.md, decisions 1, 2). */
  private announce(call: ServerCall, h: CallHandle): void {
    const o = h.open;
    o.app.post({ msg: LINE_APPNEWCALL, hDevice: o.hLine, callbackInstance: o.openContext, param1: 0, param2: h.hCall, param3: h.privilege });
    this.post(h, LINE_CALLSTATE, call.state, call.stateMode, h.privilege);
  }

  /**
   * A call another application made, to a monitor (ms-trp.md §4.3): LINE_APPNEWCALL, then
   * LINE_CALLSTATE with LINECALLSTATE_UNKNOWN and the privilege, at the time of the maker's
   * LINE_REPLY, then the call's real state. No LINE_CALLINFO goes with it (§7.9): the counts are
   * right when the handles are announced.
   */
  private announceMade(call: ServerCall, h: CallHandle): void {
    const o = h.open;
    o.app.post({ msg: LINE_APPNEWCALL, hDevice: o.hLine, callbackInstance: o.openContext, param1: 0, param2: h.hCall, param3: h.privilege });
    this.post(h, LINE_CALLSTATE, LINECALLSTATE_UNKNOWN, 0, h.privilege);
    if (call.state !== 0) this.post(h, LINE_CALLSTATE, call.state, call.stateMode, 0);
  }

  private give(call: ServerCall, open: OpenLine, privilege: number): CallHandle {
    const h: CallHandle = { hCall: this.nextCall++, open, privilege };
    call.handles.set(open.app, h);
    this.held.set(h.hCall, { call, handle: h });
    return h;
  }

  private post(h: CallHandle, msg: number, p1: number, p2: number, p3: number): void {
    h.open.app.post({ msg, hDevice: h.hCall, callbackInstance: h.open.openContext, param1: p1, param2: p2, param3: p3 });
  }

  /**
   * LINE_CALLINFO for a change of owners or monitors (ms-trp.md §7.9): to the holders of a handle
   * other than the application that caused it, never once the call is idle.
   */
  private callInfo(call: ServerCall, changed: number, cause: LineApp): void {
    if (call.idle) return;
    for (const [app, h] of call.handles) if (app !== cause) this.post(h, LINE_CALLINFO, changed, 0, 0);
  }

  private release(call: ServerCall, h: CallHandle, app: LineApp): void {
    call.handles.delete(app);
    this.held.delete(h.hCall);
    this.callInfo(call, h.privilege === LINECALLPRIVILEGE_OWNER ? LINECALLINFOSTATE_NUMOWNERDECR : LINECALLINFOSTATE_NUMMONITORS, app);
  }

  /** The last handle gone: CLOSE_CALL at the miniport (it drops a live call first). */
  private async closeIfUnheld(call: ServerCall): Promise<number> {
    if (call.handles.size > 0 || !this.calls.has(call.htCall)) return 0;
    this.calls.delete(call.htCall);
    const r = await this.client.closeCall(call.htCall);
    return r.status === NDIS_STATUS_SUCCESS ? 0 : lineErrOfStatus(r.status);
  }
}
