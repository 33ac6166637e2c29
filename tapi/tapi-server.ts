import {
  LINECALLPRIVILEGE_MONITOR,
  LINECALLPRIVILEGE_NONE,
  LINECALLPRIVILEGE_OWNER,
  LINEDEVSTATE_CLOSE,
  LINEDEVSTATE_OPEN,
  LINEERR_INCOMPATIBLEAPIVERSION,
  LINEERR_INVALAPPHANDLE,
  LINEERR_INVALAPPNAME,
  LINEERR_INVALLINEHANDLE,
  LINEERR_INVALMEDIAMODE,
  LINEERR_INVALPRIVSELECT,
  LINEMEDIAMODE_UNKNOWN,
  LINEMEDIAMODE_VIDEO,
  NDIS_STATUS_SUCCESS,
  isCodecError,
} from '../oid/index.js';
import type { Clock } from '../sim/clock.js';
import type { NdisTapi, RequestResult } from '../ndistapi/ndis-tapi.js';
import type { NdisTapiClient } from '../ndistapi/ndis-tapi-client.js';
import { API_2_1, API_HIGH, API_LOW } from './api-versions.js';
import { CallDistribution, oneBit } from './call-distribution.js';
import { CallHandles } from './call-handles.js';
import { CallRequests } from './call-requests.js';
import { HandoffPriorities } from './handoff-priorities.js';
import { InfoFunctions } from './info-functions.js';
import { LineApp, type OpenLine } from './line-app.js';
import { lineErr, lineErrOfStatus } from './line-errors.js';
import { LineEvents } from './line-events.js';
import { LineStatus } from './line-status.js';
import { ServerRegistry } from './server-registry.js';

export { API_HIGH, API_LOW } from './api-versions.js';

/** Every LINEMEDIAMODE_ bit tapi.h defines: UNKNOWN (0x2) to VIDEO (0x8000). */
const MEDIA_MODES = (LINEMEDIAMODE_VIDEO * 2 - LINEMEDIAMODE_UNKNOWN) >>> 0;

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

/**
 * The TAPI server (TAPISRV) above NDISTAPI, as ms-trp.md §5 and §7 describe it: line applications
 * with their init contexts, lines opened with privileges and media modes (the owners' union is
 * the miniport's default media detection), per-application call handles, incoming calls handed
 * out by the handoff priority lists with monitors getting handles too, LINE_APPNEWCALL and
 * LINE_CALLSTATE to each, LINE_CALLINFO count changes by the rules, and asynchronous functions
 * answered with a request id and a later LINE_REPLY. Requests go down through NdisTapi as OIDs.
 * Where the sources disagree the choice is in docs/tapi.md.
 *
 * The parts: who holds what (`ServerRegistry`), who gets a call (`CallDistribution`), the
 * handle functions (`CallHandles`), the asynchronous functions (`CallRequests`), the information functions (`InfoFunctions`), the
 * status messages (`LineStatus`) and the miniport's line events (`LineEvents`). This class is
 * the applications' face of them, and keeps lines and handles.
 */
export class TapiServer {
  readonly priorities: HandoffPriorities;
  private readonly reg: ServerRegistry;
  private readonly client: NdisTapiClient;
  private readonly status: LineStatus;
  private readonly distribution: CallDistribution;
  private readonly requests: CallRequests;
  private readonly handles: CallHandles;
  private readonly info: InfoFunctions;
  private readonly events: LineEvents;

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
    this.reg = new ServerRegistry(shim, this.client, options.clock);
    if (options.lines !== undefined) this.reg.numLines = options.lines;
    this.status = new LineStatus(this.reg);
    this.distribution = new CallDistribution(this.reg, this.priorities);
    this.requests = new CallRequests(this.reg, this.distribution);
    this.handles = new CallHandles(this.reg);
    this.info = new InfoFunctions(this.reg);
    this.events = new LineEvents(this.reg, this.status, this.distribution);
    shim.events$.subscribe((e) => this.events.on(e));
  }

  /** Initializes the provider (PROVIDER_INITIALIZE); returns 0 or a LINEERR_. */
  async start(): Promise<number> {
    const r = await this.client.initialize(0);
    if (r.status !== NDIS_STATUS_SUCCESS) return lineErrOfStatus(r.status);
    if (this.reg.numLines === 0 && !isCodecError(r.value)) this.reg.numLines = r.value.ulNumLineDevs;
    return 0;
  }

  /**
   * The provider goes away (OID_TAPI_PROVIDER_SHUTDOWN): every open line is closed under its
   * applications with LINE_CLOSE first. Returns 0 or the LINEERR_ of the shutdown.
   */
  async stop(): Promise<number> {
    for (const deviceId of [...this.reg.deviceDetect.keys()]) await this.events.forceClose(deviceId);
    const r = await this.client.shutdown();
    return lineErrOfStatus(r.status);
  }

  // ---- applications ----

  /** lineInitialize: the application's handle and the number of line devices, or a LINEERR_. */
  initialize(moduleName: string, friendlyName: string, initContext = 0): { readonly hLineApp: number; readonly numDevs: number } | number {
    if (moduleName === '') return lineErr(LINEERR_INVALAPPNAME);
    const app = new LineApp(this.reg.newAppHandle(), moduleName, friendlyName === '' ? moduleName : friendlyName, initContext);
    this.reg.apps.set(app.hLineApp, app);
    return { hLineApp: app.hLineApp, numDevs: this.reg.numLines };
  }

  /** The application of a handle, for reading its messages. */
  app(hLineApp: number): LineApp | undefined {
    return this.reg.apps.get(hLineApp);
  }

  /**
   * lineShutdown: every line it opened is closed, every call handle deleted, and its outstanding
   * requests are cancelled: no LINE_REPLY, nor any other message, reaches it any more.
   */
  async shutdown(hLineApp: number): Promise<number> {
    const app = this.reg.apps.get(hLineApp);
    if (app === undefined) return lineErr(LINEERR_INVALAPPHANDLE);
    // From here on nothing reaches the application: its requests are cancelled (ms-trp.md §7.6).
    this.reg.apps.delete(hLineApp);
    this.requests.cancelApp(app);
    for (const open of [...app.lines.values()]) await this.close(open.hLine);
    return 0;
  }

  /** lineNegotiateAPIVersion: the highest version both support, or a LINEERR_. */
  negotiateAPIVersion(hLineApp: number, deviceId: number, low: number, high: number): number {
    if (!this.reg.apps.has(hLineApp)) return lineErr(LINEERR_INVALAPPHANDLE);
    const bad = this.reg.badDevice(deviceId);
    if (bad !== 0) return bad;
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
    const reg = this.reg;
    const app = reg.apps.get(hLineApp);
    if (app === undefined) return lineErr(LINEERR_INVALAPPHANDLE);
    const bad = reg.badDevice(deviceId);
    if (bad !== 0) return bad;
    if (apiVersion < API_LOW || apiVersion > API_HIGH) return lineErr(LINEERR_INCOMPATIBLEAPIVERSION);
    const p = privileges >>> 0;
    if (p !== LINECALLPRIVILEGE_NONE && (p & ~(LINECALLPRIVILEGE_MONITOR | LINECALLPRIVILEGE_OWNER)) !== 0) return lineErr(LINEERR_INVALPRIVSELECT);
    if (p === 0) return lineErr(LINEERR_INVALPRIVSELECT);
    const owner = (p & LINECALLPRIVILEGE_OWNER) !== 0;
    if (owner && mediaModes === 0) return lineErr(LINEERR_INVALMEDIAMODE);
    if (!reg.deviceDetect.has(deviceId)) {
      const r = await this.client.open(deviceId);
      if (r.status !== NDIS_STATUS_SUCCESS) return lineErrOfStatus(r.status);
      reg.deviceDetect.set(deviceId, 0);
    }
    const { hLine, order } = reg.newLineHandle();
    const open: OpenLine = { hLine, app, deviceId, privileges: p, mediaModes: owner ? mediaModes >>> 0 : 0, lineStates: 0, addressStates: 0, openContext, apiVersion, order };
    reg.opens.set(open.hLine, open);
    app.lines.set(open.hLine, open);
    const detect = await this.updateDetection(deviceId);
    if (detect !== 0) {
      reg.opens.delete(open.hLine);
      app.lines.delete(open.hLine);
      return detect;
    }
    this.status.lineDevState(deviceId, LINEDEVSTATE_OPEN, 0, 0, open);
    return { hLine: open.hLine };
  }

  /**
   * lineClose: the application's calls on the line lose their handles; a call it alone owned,
   * not idle, is dropped; the replies still due to requests made through the open are not sent;
   * the last close of a device closes it at the miniport.
   */
  async close(hLine: number): Promise<number> {
    const reg = this.reg;
    const open = reg.opens.get(hLine);
    if (open === undefined) return lineErr(LINEERR_INVALLINEHANDLE);
    // The open is gone at once: its outstanding replies are suppressed (ms-trp.md §7.6), and no
    // message about the line or its calls reaches it, not even those the drops below cause.
    reg.opens.delete(hLine);
    open.app.lines.delete(hLine);
    this.requests.cancelOpen(open);
    for (const call of [...reg.calls.values()]) {
      const h = call.handles.get(open.app);
      if (h === undefined || h.open !== open) continue;
      if (h.privilege === LINECALLPRIVILEGE_OWNER && call.owners === 1 && !call.idle) await this.client.drop(call.htCall);
      reg.release(call, h, open.app);
    }
    this.status.lineDevState(open.deviceId, LINEDEVSTATE_CLOSE, 0, 0, open);
    if (![...reg.opens.values()].some((o) => o.deviceId === open.deviceId)) {
      reg.deviceDetect.delete(open.deviceId);
      this.status.forget(open.deviceId);
      const r = await this.client.close(this.shim.htLineFor(open.deviceId));
      return r.status === NDIS_STATUS_SUCCESS ? 0 : lineErrOfStatus(r.status);
    }
    const detect = await this.updateDetection(open.deviceId);
    return detect !== 0 ? detect : this.status.update(open.deviceId);
  }

  /** The owners' media modes on a device, pushed to the miniport when they changed. */
  private async updateDetection(deviceId: number): Promise<number> {
    let modes = 0;
    for (const o of this.reg.opens.values()) if (o.deviceId === deviceId) modes |= o.mediaModes;
    if (this.reg.deviceDetect.get(deviceId) === modes) return 0;
    const r = await this.client.setDefaultMediaDetection(this.shim.htLineFor(deviceId), modes >>> 0);
    if (r.status !== NDIS_STATUS_SUCCESS) return lineErrOfStatus(r.status);
    this.reg.deviceDetect.set(deviceId, modes);
    return 0;
  }

  /**
   * SetDefaultMediaDetection (MS-TRP 76) on an open line: the media modes the application takes
   * calls of, in place of those it opened with. Nonzero modes make the open an owner's for them;
   * 0 takes its owner candidacy away (its monitoring stays). The owners' union goes to the
   * miniport; a mode it cannot detect fails the request and changes nothing (docs/tapi.md).
   */
  async setDefaultMediaDetection(hLine: number, mediaModes: number): Promise<number> {
    const open = this.reg.opens.get(hLine);
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

  /** lineSetStatusMessages (`LineStatus`; docs/tapi.md, decision 18). */
  setStatusMessages(hLine: number, lineStates: number, addressStates: number): Promise<number> {
    return this.status.setStatusMessages(hLine, lineStates, addressStates);
  }

  // ---- calls: asynchronous functions (`CallRequests`) ----

  /** Asynchronous requests still owed a LINE_REPLY (none once the miniport has completed them all). */
  get outstandingRequests(): number {
    return this.requests.outstanding;
  }

  /** lineAnswer: a request id (LINE_REPLY follows) or a LINEERR_. */
  answer(hCall: number, requestId = 0): number {
    return this.requests.answer(hCall, requestId);
  }

  /** lineAccept. */
  accept(hCall: number, requestId = 0): number {
    return this.requests.accept(hCall, requestId);
  }

  /** lineDrop. */
  drop(hCall: number, requestId = 0): number {
    return this.requests.drop(hCall, requestId);
  }

  /** lineSecureCall: an owner, in any call state. */
  secureCall(hCall: number, requestId = 0): number {
    return this.requests.secureCall(hCall, requestId);
  }

  /**
   * lineMakeCall: a request id; the LINE_REPLY carries the new hCall in param3 when it succeeded
   * (the MakeCall completion form), and the caller owns the call.
   */
  makeCall(hLine: number, destination: string, requestId = 0): number {
    return this.requests.makeCall(hLine, destination, requestId);
  }

  /**
   * lineBlindTransfer: an owner, a CONNECTED call, over wanemu's OID_TAPI_DEV_SPECIFIC transfer
   * (docs/tapi.md, decision 7).
   */
  blindTransfer(hCall: number, destination: string, requestId = 0): number {
    return this.requests.transfer(hCall, destination, requestId, 'blind');
  }

  /** lineRedirect: an owner, an OFFERING (or ACCEPTED) call, the same way as blindTransfer. */
  redirect(hCall: number, destination: string, requestId = 0): number {
    return this.requests.transfer(hCall, destination, requestId, 'redirect');
  }

  // ---- calls: handles (`CallHandles`) ----

  /** lineDeallocateCall: the handle goes; the last one closes the call at the miniport (decision 4). */
  deallocateCall(hCall: number): Promise<number> {
    return this.handles.deallocateCall(hCall);
  }

  /** lineSetCallPrivilege: owner or monitor; the sole owner of a live call cannot become a monitor. */
  setCallPrivilege(hCall: number, privilege: number): number {
    return this.handles.setCallPrivilege(hCall, privilege);
  }

  /** lineGetNewCalls: monitor handles to the calls on the line the application has none for (decision 3). */
  getNewCalls(hLine: number): readonly number[] | number {
    return this.handles.getNewCalls(hLine);
  }

  /** lineHandoff, directed (`fileName`) or by one media mode (`CallDistribution`). */
  handoff(hCall: number, fileName: string | undefined, mediaMode: number): number {
    return this.distribution.handoff(hCall, fileName, mediaMode);
  }

  /**
   * lineSetMediaMode: an owner's (ms-trp.md §7.1). Up to API 2.1, one LINEMEDIAMODE_ bit, or
   * several only with UNKNOWN (ms-trp.md §2.4); a bit tapi.h does not define, or none, is
   * LINEERR_INVALMEDIAMODE. Then OID_TAPI_SET_MEDIA_MODE; the miniport's LINE_CALLINFO
   * (MEDIAMODE) reaches every holder.
   */
  async setMediaMode(hCall: number, mediaMode: number): Promise<number> {
    const h = this.reg.owned(hCall, true);
    if (typeof h === 'number') return h;
    const m = mediaMode >>> 0;
    if (m === 0 || (m & ~MEDIA_MODES) !== 0) return lineErr(LINEERR_INVALMEDIAMODE);
    if (h.handle.open.apiVersion <= API_2_1 && (m & LINEMEDIAMODE_UNKNOWN) === 0 && !oneBit(m)) return lineErr(LINEERR_INVALMEDIAMODE);
    const r = await this.client.setMediaMode(h.call.htCall, m);
    if (r.status !== NDIS_STATUS_SUCCESS) return lineErrOfStatus(r.status);
    h.call.mediaMode = m;
    return 0;
  }

  /** lineSetAppSpecific: an owner's; OID_TAPI_SET_APP_SPECIFIC, whose LINE_CALLINFO (APPSPECIFIC) reaches every holder. */
  async setAppSpecific(hCall: number, appSpecific: number): Promise<number> {
    const h = this.reg.owned(hCall, true);
    if (typeof h === 'number') return h;
    const r = await this.client.setAppSpecific(h.call.htCall, appSpecific >>> 0);
    return lineErrOfStatus(r.status);
  }

  // ---- information (`InfoFunctions`) ----

  /** lineGetCallStatus: LINECALLSTATUS of `totalSize` bytes at most, or a LINEERR_. */
  getCallStatus(hCall: number, totalSize: number): Promise<Uint8Array | number> {
    return this.info.getCallStatus(hCall, totalSize);
  }

  /** lineGetCallInfo: LINECALLINFO with the server's own members, or a LINEERR_. */
  getCallInfo(hCall: number, totalSize: number): Promise<Uint8Array | number> {
    return this.info.getCallInfo(hCall, totalSize);
  }

  /** lineGetDevCaps: LINEDEVCAPS of the version `apiVersion` (the line need not be open). */
  getDevCaps(hLineApp: number, deviceId: number, apiVersion: number, extVersion: number, totalSize: number): Promise<Uint8Array | number> {
    return this.info.getDevCaps(hLineApp, deviceId, apiVersion, extVersion, totalSize);
  }

  /** lineGetAddressCaps: LINEADDRESSCAPS of the version `apiVersion` (the line need not be open). */
  getAddressCaps(hLineApp: number, deviceId: number, addressId: number, apiVersion: number, extVersion: number, totalSize: number): Promise<Uint8Array | number> {
    return this.info.getAddressCaps(hLineApp, deviceId, addressId, apiVersion, extVersion, totalSize);
  }

  /** lineGetID: a line's, an address's or a call's device id for a device class, as a VARSTRING. */
  getId(hLine: number, addressId: number, hCall: number, select: number, deviceClass: string, totalSize: number): Promise<Uint8Array | number> {
    return this.info.getId(hLine, addressId, hCall, select, deviceClass, totalSize);
  }

  /** What the server knows of the call a handle names: its line handle, media mode and id. */
  callOf(hCall: number): { readonly hLine: number; readonly mediaMode: number; readonly callId: number } | undefined {
    const h = this.reg.held.get(hCall);
    return h === undefined ? undefined : { hLine: h.handle.open.hLine, mediaMode: h.call.mediaMode, callId: h.call.callId };
  }

  /** The application (hLineApp) that holds a call handle, or undefined when the handle is not valid. */
  appOfCall(hCall: number): number | undefined {
    return this.reg.held.get(hCall)?.handle.open.app.hLineApp;
  }

  /** The application (hLineApp) that opened a line handle, or undefined when the handle is not valid. */
  appOfLine(hLine: number): number | undefined {
    return this.reg.opens.get(hLine)?.app.hLineApp;
  }

  /** The privilege an application's handle has (0 when the handle is not valid). */
  privilegeOf(hCall: number): number {
    return this.reg.held.get(hCall)?.handle.privilege ?? 0;
  }
}
