import {
  LINEERR_INVALAPPHANDLE,
  LINEERR_INVALCALLHANDLE,
  LINEERR_INVALLINEHANDLE,
  LINEERR_OPERATIONUNAVAIL,
  LINE_APPNEWCALL,
  LINE_CALLINFO,
  LINE_CALLSTATE,
  LINE_CLOSE,
  LINE_CREATE,
  LINE_LINEDEVSTATE,
  LINE_REMOVE,
  LINE_REPLY,
} from '../oid/index.js';
import type { Subscription } from 'rxjs';
import type { LineMessage } from './line-message.js';
import type { TapiServer } from './tapi-server.js';
import {
  decodeRequest,
  encodeAsyncEvent,
  encodeReply,
  isAsyncEventError,
  isTrpPacketError,
  replyTo,
  type AsyncEvent,
  type RequestPacket,
  type ReplyResult,
  type RequestFuncName,
  requestLayout,
} from './trp/index.js';

/** One MS-TRP exchange, for traces: a request packet, its reply, or an event record. */
export interface TrpExchange {
  readonly type: 'request' | 'reply' | 'event';
  readonly bytes: Uint8Array;
}

const u = (v: number): number => v >>> 0;

/** A LINECALLLIST of handles, at most `total` bytes: 24 fixed bytes, then the hCalls. */
function callList(total: number, calls: readonly number[]): Uint8Array {
  const needed = 24 + calls.length * 4;
  const size = Math.max(24, Math.min(total, needed));
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, u(total), true);
  dv.setUint32(4, needed, true);
  const fits = size >= needed;
  dv.setUint32(8, fits ? needed : 24, true);
  dv.setUint32(12, calls.length, true);
  dv.setUint32(16, fits ? calls.length * 4 : 0, true);
  dv.setUint32(20, fits ? 24 : 0, true);
  if (fits) calls.forEach((h, i) => dv.setUint32(24 + i * 4, u(h), true));
  return out;
}

/**
 * The MS-TRP face of the TAPI server, in process: request packets (TAPI32_MSG) in, reply packets
 * out, and the applications' messages as ASYNCEVENTMSG records, returned by GetAsyncEvents or
 * taken with `takeEvents`. One TrpServer is one remote client: the applications it initializes
 * are its own. Functions without a model answer LINEERR_OPERATIONUNAVAIL (docs/tapi.md).
 */
export class TrpServer {
  private readonly queue: Uint8Array[] = [];
  /** hRemoteLine the client gave at lOpen, by hLine. */
  private readonly remoteLines = new Map<number, { readonly hRemoteLine: number; readonly hLineApp: number }>();
  /** A MakeCall's contexts, by application and request id, for its completion record. */
  private readonly makeCalls = new Map<string, { readonly lpContext: number; readonly lphCallContext: number; readonly hLine: number }>();
  /** This client's applications (hLineApp), with their message subscriptions: handles of any other application are not its to use. */
  private readonly mine = new Map<number, Subscription>();

  constructor(
    readonly server: TapiServer,
    private readonly onExchange?: (x: TrpExchange) => void,
  ) {}

  /** Encoded event records queued for the client, oldest first, removed. */
  takeEvents(): Uint8Array[] {
    return this.queue.splice(0);
  }

  /** Serves one ClientRequest buffer (`neededSize` is its lNeededSize); returns the reply buffer. */
  async handle(bytes: Uint8Array, neededSize = bytes.length): Promise<Uint8Array> {
    this.onExchange?.({ type: 'request', bytes });
    const reply = await this.answer(bytes, neededSize);
    this.onExchange?.({ type: 'reply', bytes: reply });
    return reply;
  }

  private async answer(bytes: Uint8Array, neededSize: number): Promise<Uint8Array> {
    const decoded = decodeRequest(bytes, { neededSize });
    if (isTrpPacketError(decoded)) return this.bare(bytes, decoded.lineErr);
    const p = decoded.packet;
    const foreign = this.foreign(p);
    const result = foreign !== 0 ? { returnValue: u(foreign) } : await this.dispatch(p);
    const reply = replyTo(p, result as ReplyResult<RequestFuncName> as never);
    if (isTrpPacketError(reply)) return this.bare(bytes, reply.lineErr);
    const encoded = encodeReply(reply);
    return isTrpPacketError(encoded) ? this.bare(bytes, encoded.lineErr) : encoded;
  }

  /** A reply that is the request's own buffer (at least the 60-byte header) with Ack_ReturnValue set. */
  private bare(bytes: Uint8Array, value: number): Uint8Array {
    const out = new Uint8Array(Math.max(bytes.length, 60));
    out.set(bytes.subarray(0, out.length));
    new DataView(out.buffer).setUint32(0, u(value), true);
    return out;
  }

  /**
   * A handle the request names that belongs to another client's application: hLineApp, hLine
   * or hCall, as its LINEERR_INVAL...HANDLE (each client knows only its own handles, ms-trp.md
   * §2.4 "valid hCall"). Handles the server does not know at all are left to it.
   */
  private foreign(p: RequestPacket): number {
    const s = this.server;
    const values = p as unknown as Readonly<Record<string, unknown>>;
    for (const slot of requestLayout(p.func)?.slots ?? []) {
      if (slot.kind !== 'handle' || slot.dir !== 'in') continue;
      const h = values[slot.name];
      if (typeof h !== 'number' || h === 0) continue;
      if (slot.name === 'hLineApp' && s.app(h) !== undefined && !this.mine.has(h)) return LINEERR_INVALAPPHANDLE;
      if (slot.name === 'hLine' && !this.ours(s.appOfLine(h))) return LINEERR_INVALLINEHANDLE;
      if (slot.name === 'hCall' && !this.ours(s.appOfCall(h))) return LINEERR_INVALCALLHANDLE;
    }
    return 0;
  }

  private ours(hLineApp: number | undefined): boolean {
    return hLineApp === undefined || this.mine.has(hLineApp);
  }

  /** What the TAPI server answers to a packet, as the reply's return value, OUT slots and outputs. */
  private async dispatch(p: RequestPacket): Promise<ReplyResult<RequestFuncName>> {
    const s = this.server;
    const ret = (v: number): ReplyResult<RequestFuncName> => ({ returnValue: u(v) });
    /** A structure the server returned goes in VarData, its offset in `slot`; an error is the return value. */
    const output = (slot: string, r: Uint8Array | number): ReplyResult<RequestFuncName> =>
      typeof r === 'number' ? ret(r) : ({ returnValue: 0, outputs: { [slot]: r } } as ReplyResult<RequestFuncName>);
    switch (p.func) {
      case 'lInitialize': {
        const r = s.initialize(p.dwModuleNameOffset, p.dwFriendlyNameOffset, p.InitContext);
        if (typeof r === 'number') return ret(r);
        this.mine.set(r.hLineApp, s.app(r.hLineApp)!.messages$.subscribe((m) => this.event(r.hLineApp, m)));
        return { returnValue: 0, out: { hLineApp: r.hLineApp, dwNumDevs: r.numDevs } } as ReplyResult<RequestFuncName>;
      }
      case 'lShutdown': {
        const r = await s.shutdown(p.hLineApp);
        if (r === 0) this.forgetApp(p.hLineApp);
        return ret(r);
      }
      case 'lNegotiateAPIVersion': {
        const v = s.negotiateAPIVersion(p.hLineApp, p.dwDeviceID, p.dwVersion, p.dwVersionCurrent);
        if (v < 0) return ret(v);
        return { returnValue: 0, out: { dwNegotiatedVersion: v }, outputs: { ExtensionID: new Uint8Array(16) } } as ReplyResult<RequestFuncName>;
      }
      case 'lOpen': {
        const r = await s.open(p.hLineApp, p.dwDeviceID, p.dwPrivileges, p.dwMediaModes, p.OpenContext, p.dwNegotiatedVersion);
        if (typeof r === 'number') return ret(r);
        this.remoteLines.set(r.hLine, { hRemoteLine: p.hRemoteLine, hLineApp: p.hLineApp });
        return { returnValue: 0, out: { hLine: r.hLine } } as ReplyResult<RequestFuncName>;
      }
      case 'lClose': {
        const app = s.appOfLine(p.hLine);
        const r = await s.close(p.hLine);
        if (app !== undefined) this.forgetLine(p.hLine);
        return ret(r);
      }
      case 'lMakeCall': {
        const app = s.appOfLine(p.hLine);
        const id = s.makeCall(p.hLine, p.lpszDestAddress ?? '', p.dwRequestID);
        if (id > 0 && app !== undefined) this.makeCalls.set(`${app}:${id}`, { lpContext: p.lpContext, lphCallContext: p.lphCallContext, hLine: p.hLine });
        return ret(id);
      }
      case 'lAnswer':
        return ret(s.answer(p.hCall, p.dwRequestID));
      case 'lAccept':
        return ret(s.accept(p.hCall, p.dwRequestID));
      case 'lDrop':
        return ret(s.drop(p.hCall, p.dwRequestID));
      case 'lSecureCall':
        return ret(s.secureCall(p.hCall, p.dwRequestID));
      case 'lBlindTransfer':
        return ret(s.blindTransfer(p.hCall, p.lpszDestAddress, p.dwRequestID));
      case 'lRedirect':
        return ret(s.redirect(p.hCall, p.lpszDestAddress, p.dwRequestID));
      case 'lDeallocateCall':
        return ret(await s.deallocateCall(p.hCall));
      case 'lSetCallPrivilege':
        return ret(s.setCallPrivilege(p.hCall, p.dwCallPrivilege));
      case 'lHandoff':
        return ret(s.handoff(p.hCall, p.lpszFileName ?? undefined, p.dwMediaMode));
      case 'lGetNewCalls': {
        const r = s.getNewCalls(p.hLine);
        if (typeof r === 'number') return ret(r);
        return { returnValue: 0, outputs: { pCallList: callList(p.pCallList, r) } } as ReplyResult<RequestFuncName>;
      }
      case 'lGetCallInfo':
        return output('lpCallInfo', await s.getCallInfo(p.hCall, p.lpCallInfo));
      case 'lGetCallStatus':
        return output('lpCallStatus', await s.getCallStatus(p.hCall, p.lpCallStatus));
      case 'lGetDevCaps':
        return output('lpLineDevCaps', await s.getDevCaps(p.hLineApp, p.dwDeviceID, p.dwTSPIVersion, p.dwExtVersion, p.lpLineDevCaps));
      case 'lGetAddressCaps':
        return output('lpAddressCaps', await s.getAddressCaps(p.hLineApp, p.dwDeviceID, p.dwAddressID, p.dwTSPIVersion, p.dwExtVersion, p.lpAddressCaps));
      case 'lGetID':
        return output('lpDeviceID', await s.getId(p.hLine, p.dwAddressID, p.hCall, p.dwSelect, p.lpszDeviceClass, p.lpDeviceID));
      case 'lSetDefaultMediaDetection':
        return ret(await s.setDefaultMediaDetection(p.hLine, p.dwMediaModes));
      case 'lSetStatusMessages':
        return ret(await s.setStatusMessages(p.hLine, p.dwLineStates, p.dwAddressStates));
      case 'lSetMediaMode':
        return ret(await s.setMediaMode(p.hCall, p.dwMediaMode));
      case 'lSetAppSpecific':
        return ret(await s.setAppSpecific(p.hCall, p.dwAppSpecific));
      case 'GetAsyncEvents': {
        const all = this.takeEvents();
        const needed = all.reduce((n, e) => n + e.length, 0);
        let used = 0;
        const fit: Uint8Array[] = [];
        for (const e of all) {
          if (used + e.length > p.dwTotalBufferSize) break;
          fit.push(e);
          used += e.length;
        }
        // What does not fit stays queued for the next call.
        this.queue.unshift(...all.slice(fit.length));
        const out = new Uint8Array(used);
        let at = 0;
        for (const e of fit) {
          out.set(e, at);
          at += e.length;
        }
        return { returnValue: 0, out: { dwNeededBufferSize: needed }, outputs: { dwUsedBufferSize: out } } as ReplyResult<RequestFuncName>;
      }
      default:
        return ret(LINEERR_OPERATIONUNAVAIL);
    }
  }

  /**
   * A line is closed (lClose, or LINE_CLOSE from the server): its hRemoteLine is needed no more,
   * and the contexts of MakeCalls made on it are dropped, since their replies are suppressed
   * (ms-trp.md §7.6).
   */
  private forgetLine(hLine: number): void {
    this.remoteLines.delete(hLine);
    for (const [key, mc] of this.makeCalls) if (mc.hLine === hLine) this.makeCalls.delete(key);
  }

  /** An application shut down: its lines are forgotten and its messages no longer followed. */
  private forgetApp(hLineApp: number): void {
    for (const [hLine, r] of this.remoteLines) if (r.hLineApp === hLineApp) this.forgetLine(hLine);
    for (const key of this.makeCalls.keys()) if (key.startsWith(`${hLineApp}:`)) this.makeCalls.delete(key);
    this.mine.get(hLineApp)?.unsubscribe();
    this.mine.delete(hLineApp);
  }

  /** Client state held for lines and requests (hRemoteLines, MakeCall contexts): none once they are all closed or complete. */
  get heldState(): number {
    return this.remoteLines.size + this.makeCalls.size;
  }

  /** A message to one of this client's applications, as its MS-TRP event record (docs/tapi.md, decisions 1-2). */
  private event(hLineApp: number, m: LineMessage): void {
    const app = this.server.app(hLineApp);
    const init = app?.initContext ?? 0;
    const call = this.server.callOf(m.msg === LINE_APPNEWCALL ? m.param2 : m.hDevice);
    const hLine = call === undefined ? m.hDevice : call.hLine;
    const remote = this.remoteLines.get(hLine)?.hRemoteLine ?? 0;
    // A line handle in the device slot (@12) is hRemoteLine when the client gave one at lOpen, else the hLine (ms-trp.md §4.1).
    const device = remote !== 0 ? remote : hLine;
    let e: AsyncEvent | undefined;
    switch (m.msg) {
      case LINE_REPLY: {
        const mc = this.makeCalls.get(`${hLineApp}:${m.param1}`);
        this.makeCalls.delete(`${hLineApp}:${m.param1}`);
        e =
          mc === undefined
            ? { type: 'LINE_REPLY', InitContext: u(init), lpContext: 0, OpenContext: 0, dwRemoteRequestID: u(m.param1), dwResult: u(m.param2) }
            : {
                type: 'MakeCallCompletion',
                InitContext: u(init),
                lpContext: u(mc.lpContext),
                OpenContext: 0,
                dwRemoteRequestID: u(m.param1),
                dwResult: u(m.param2),
                hCall: u(m.param3),
                lphCallContext: u(mc.lphCallContext),
                dwAddressID: 0,
                dwCallID: u(this.server.callOf(m.param3)?.callId ?? 0),
                dwRelatedCallID: 0,
              };
        break;
      }
      case LINE_CALLSTATE:
        e = { type: 'LINE_CALLSTATE', InitContext: u(init), dwCallStateMode: u(m.param2), hCall: u(m.hDevice), OpenContext: u(m.callbackInstance), dwCallState: u(m.param1), dwCallPrivilege: u(m.param3), dwMediaMode: u(call?.mediaMode ?? 0), hRemoteLine: u(remote) };
        break;
      case LINE_CALLINFO:
        e = { type: 'LINE_CALLINFO', InitContext: u(init), hCall: u(m.hDevice), OpenContext: u(m.callbackInstance), dwCallInfoStates: u(m.param1), hRemoteLine: u(remote) };
        break;
      case LINE_APPNEWCALL:
        e = { type: 'LINE_APPNEWCALL', InitContext: u(init), hRemoteLine: u(device), OpenContext: u(m.callbackInstance), dwAddressID: u(m.param1), hCall: u(m.param2), dwCallID: u(call?.callId ?? 0), dwRelatedCallID: 0 };
        break;
      case LINE_CLOSE:
        e = { type: 'LINE_CLOSE', InitContext: u(init), hRemoteLine: u(device), OpenContext: u(m.callbackInstance) };
        // The line is gone: its hRemoteLine is needed no more.
        this.forgetLine(m.hDevice);
        break;
      case LINE_LINEDEVSTATE:
        e = { type: 'LINE_LINEDEVSTATE', InitContext: u(init), hRemoteLine: u(device), OpenContext: u(m.callbackInstance), dwDevStates: u(m.param1), dwParam2: u(m.param2), dwParam3: u(m.param3) };
        break;
      case LINE_CREATE:
        e = { type: 'LINE_CREATE', InitContext: u(init), dwDeviceID: u(m.param1) };
        break;
      case LINE_REMOVE:
        e = { type: 'LINE_REMOVE', InitContext: u(init), dwDeviceID: u(m.param1) };
        break;
    }
    if (e === undefined) return;
    const bytes = encodeAsyncEvent(e);
    if (isAsyncEventError(bytes)) return;
    this.queue.push(bytes);
    this.onExchange?.({ type: 'event', bytes });
  }
}
