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
  LINEERR_BADDEVICEID,
  LINEERR_INCOMPATIBLEAPIVERSION,
  LINEERR_INVALADDRESS,
  LINEERR_INVALAPPHANDLE,
  LINEERR_INVALAPPNAME,
  LINEERR_INVALCALLHANDLE,
  LINEERR_INVALCALLPRIVILEGE,
  LINEERR_INVALCALLSTATE,
  LINEERR_INVALLINEHANDLE,
  LINEERR_INVALMEDIAMODE,
  LINEERR_INVALPRIVSELECT,
  LINEERR_NOTOWNER,
  LINEERR_OPERATIONFAILED,
  LINEERR_TARGETNOTFOUND,
  LINEERR_TARGETSELF,
  LINEMEDIAMODE_UNKNOWN,
  LINE_APPNEWCALL,
  LINE_CALLINFO,
  LINE_CALLSTATE,
  LINE_REPLY,
  NDIS_STATUS_SUCCESS,
  isCodecError,
} from '../oid/index.js';
import type { NdisTapi, RequestResult } from '../ndistapi/ndis-tapi.js';
import type { NdisTapiClient } from '../ndistapi/ndis-tapi-client.js';
import type { LineEvent } from '../ndistapi/line-event.js';
import { HandoffPriorities, PROBING_ORDER } from './handoff-priorities.js';
import { LineApp, type OpenLine } from './line-app.js';
import { lineErr, lineErrOfStatus } from './line-errors.js';
import { ServerCall, type CallHandle } from './server-call.js';

/** The API versions this server negotiates (TAPI 1.3 to 3.0). */
export const API_LOW = 0x0001_0003;
export const API_HIGH = 0x0003_0000;

const oneBit = (x: number): boolean => x !== 0 && (x & (x - 1)) === 0;

export interface TapiServerOptions {
  /** The handoff priority lists (default: none; then the first application to open a line wins). */
  readonly priorities?: HandoffPriorities;
  /** Line devices the provider has (default: as PROVIDER_INITIALIZE reports). */
  readonly lines?: number;
  /** Told the final result of every OID the server sends (for statistics). */
  readonly onResult?: (r: RequestResult) => void;
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
    if (deviceId < 0 || deviceId >= this.numLines) return lineErr(LINEERR_BADDEVICEID);
    const v = Math.min(high, API_HIGH);
    if (v < API_LOW || v < low) return lineErr(LINEERR_INCOMPATIBLEAPIVERSION);
    return v;
  }

  // ---- lines ----

  /**
   * lineOpen: the line's handle, or a LINEERR_. The first open of a device opens it at the
   * miniport; the owners' media modes, together, become its default media detection.
   */
  async open(hLineApp: number, deviceId: number, privileges: number, mediaModes: number, openContext = 0, apiVersion = API_HIGH): Promise<{ readonly hLine: number } | number> {
    const app = this.apps.get(hLineApp);
    if (app === undefined) return lineErr(LINEERR_INVALAPPHANDLE);
    if (deviceId < 0 || deviceId >= this.numLines) return lineErr(LINEERR_BADDEVICEID);
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
    const open: OpenLine = { hLine: this.nextLine++, app, deviceId, privileges: p, mediaModes: owner ? mediaModes >>> 0 : 0, openContext, apiVersion, order: this.nextOrder++ };
    this.opens.set(open.hLine, open);
    app.lines.set(open.hLine, open);
    const detect = await this.updateDetection(deviceId);
    if (detect !== 0) {
      this.opens.delete(open.hLine);
      app.lines.delete(open.hLine);
      return detect;
    }
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
    if (![...this.opens.values()].some((o) => o.deviceId === open.deviceId)) {
      this.deviceDetect.delete(open.deviceId);
      const r = await this.client.close(this.shim.htLineFor(open.deviceId));
      return r.status === NDIS_STATUS_SUCCESS ? 0 : lineErrOfStatus(r.status);
    }
    return this.updateDetection(open.deviceId);
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
        const handle = this.give(call, open, LINECALLPRIVILEGE_OWNER);
        this.postReply(open.app, id, 0, handle.hCall);
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

  /** lineGetCallStatus, from the miniport: the status bytes, or a LINEERR_. */
  async getCallStatus(hCall: number): Promise<{ readonly state: number; readonly bytes: Uint8Array } | number> {
    const h = this.owned(hCall, false);
    if (typeof h === 'number') return h;
    const r = await this.client.getCallStatus(h.call.htCall);
    if (r.status !== NDIS_STATUS_SUCCESS) return lineErrOfStatus(r.status);
    return { state: isCodecError(r.value) ? 0 : r.value.LineCallStatus.ulCallState, bytes: r.buffer };
  }

  /** lineGetCallInfo, from the miniport, with the server's own counts of owners and monitors. */
  async getCallInfo(hCall: number): Promise<{ readonly mediaMode: number; readonly numOwners: number; readonly numMonitors: number; readonly bytes: Uint8Array } | number> {
    const h = this.owned(hCall, false);
    if (typeof h === 'number') return h;
    const r = await this.client.getCallInfo(h.call.htCall);
    if (r.status !== NDIS_STATUS_SUCCESS) return lineErrOfStatus(r.status);
    return { mediaMode: isCodecError(r.value) ? h.call.mediaMode : r.value.LineCallInfo.ulMediaMode, numOwners: h.call.owners, numMonitors: h.call.monitors, bytes: r.buffer };
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

  /** The privilege an application's handle has (0 when the handle is not valid). */
  privilegeOf(hCall: number): number {
    return this.held.get(hCall)?.handle.privilege ?? 0;
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
      for (const bit of PROBING_ORDER) {
        if (owner !== undefined) break;
        if ((m & bit) !== 0) owner = this.rankedOwners(call.deviceId, bit)[0];
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
