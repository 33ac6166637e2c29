import {
  LINECALLSTATE_ACCEPTED,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_OFFERING,
  LINEERR_INVALADDRESS,
  LINEERR_INVALCALLSTATE,
  LINEERR_INVALLINEHANDLE,
  LINEERR_OPERATIONFAILED,
  LINE_REPLY,
} from '../oid/index.js';
import type { RequestResult } from '../ndistapi/ndis-tapi.js';
import { AsyncRequests } from './async-requests.js';
import type { CallDistribution } from './call-distribution.js';
import type { LineApp, OpenLine } from './line-app.js';
import { lineErr, lineErrOfStatus } from './line-errors.js';
import type { ServerRegistry } from './server-registry.js';

/**
 * The asynchronous functions (ms-trp.md §5.1): Answer, Accept, Drop, SecureCall, BlindTransfer,
 * Redirect and MakeCall. Each is answered at once with a request id or a LINEERR_, then its OID
 * goes down and its result comes back as LINE_REPLY, unless lineClose or lineShutdown cancelled
 * the request meanwhile (§7.6).
 */
export class CallRequests {
  private readonly requests = new AsyncRequests();

  constructor(
    private readonly reg: ServerRegistry,
    private readonly distribution: CallDistribution,
  ) {}

  /** Requests still owed a LINE_REPLY. */
  get outstanding(): number {
    return this.requests.size;
  }

  /** lineClose: the requests made through `open` get no LINE_REPLY. */
  cancelOpen(open: OpenLine): void {
    this.requests.cancelOpen(open);
  }

  /** lineShutdown: the application's requests get no LINE_REPLY. */
  cancelApp(app: LineApp): void {
    this.requests.cancelApp(app);
  }

  /** Runs an OID for an asynchronous function made through `open` and answers it with LINE_REPLY. */
  private reply(open: OpenLine, given: number, work: Promise<number>): number {
    const requestId = this.requests.requestId(given);
    const key = this.requests.add(requestId, open);
    void work.then(
      (result) => this.postReply(key, result),
      () => this.postReply(key, lineErr(LINEERR_OPERATIONFAILED)),
    );
    return requestId;
  }

  /** LINE_REPLY for a completed request, unless lineClose or lineShutdown cancelled it (ms-trp.md §7.6) or the line closed. */
  private postReply(key: number, result: number, param3 = 0): void {
    const r = this.requests.finish(key);
    // Cancelled, or the open it was made through is gone (closed by the miniport or a LINE_REMOVE): no reply.
    if (r === undefined || this.reg.opens.get(r.open.hLine) !== r.open) return;
    const app = r.open.app;
    this.reg.toApp(app, { msg: LINE_REPLY, hDevice: 0, callbackInstance: app.initContext, param1: r.requestId, param2: result, param3 });
  }

  /** An asynchronous function only an owner may call: its OID, then LINE_REPLY with the result. */
  private ownerRequest(hCall: number, requestId: number, send: (htCall: number) => Promise<RequestResult>): number {
    const h = this.reg.owned(hCall, true);
    if (typeof h === 'number') return h;
    return this.reply(h.handle.open, requestId, send(h.call.htCall).then((r) => lineErrOfStatus(r.status)));
  }

  answer(hCall: number, requestId: number): number {
    return this.ownerRequest(hCall, requestId, (htCall) => this.reg.client.answer(htCall));
  }

  accept(hCall: number, requestId: number): number {
    return this.ownerRequest(hCall, requestId, (htCall) => this.reg.client.accept(htCall));
  }

  drop(hCall: number, requestId: number): number {
    return this.ownerRequest(hCall, requestId, (htCall) => this.reg.client.drop(htCall));
  }

  secureCall(hCall: number, requestId: number): number {
    return this.ownerRequest(hCall, requestId, (htCall) => this.reg.client.secureCall(htCall));
  }

  /**
   * lineBlindTransfer (a CONNECTED call) or lineRedirect (OFFERING or ACCEPTED), by an owner, to a
   * destination that is not empty. NDISTAPI has no OID for either: the request goes to the
   * miniport as wanemu's OID_TAPI_DEV_SPECIFIC transfer (docs/tapi.md, decision 7), and a miniport
   * without it answers NDIS_STATUS_TAPI_OPERATIONUNAVAIL, which LINE_REPLY carries.
   */
  transfer(hCall: number, destination: string, requestId: number, how: 'blind' | 'redirect'): number {
    const h = this.reg.owned(hCall, true);
    if (typeof h === 'number') return h;
    if (destination === '') return lineErr(LINEERR_INVALADDRESS);
    const s = h.call.state;
    const allowed = how === 'blind' ? s === LINECALLSTATE_CONNECTED : s === LINECALLSTATE_OFFERING || s === LINECALLSTATE_ACCEPTED;
    if (!allowed) return lineErr(LINEERR_INVALCALLSTATE);
    return this.ownerRequest(hCall, requestId, (htCall) => this.reg.client.transferCall(htCall, how, destination));
  }

  /**
   * lineMakeCall: a request id; the LINE_REPLY carries the new hCall in param3 when it succeeded
   * (the MakeCall completion form), and the caller owns the call. A call whose request was
   * cancelled meanwhile is nobody's: it is closed (dropped) at the miniport.
   */
  makeCall(hLine: number, destination: string, requestId: number): number {
    const reg = this.reg;
    const open = reg.opens.get(hLine);
    if (open === undefined) return lineErr(LINEERR_INVALLINEHANDLE);
    const id = this.requests.requestId(requestId);
    const key = this.requests.add(id, open);
    void reg.client.makeCall(reg.shim.htLineFor(open.deviceId), destination).then(
      (r) => {
        const result = lineErrOfStatus(r.status);
        if (result !== 0) return this.postReply(key, result);
        if (!reg.opens.has(open.hLine) || !this.requests.has(key)) {
          this.requests.finish(key);
          if (reg.shim.calls.has(r.htCall)) void reg.client.closeCall(r.htCall);
          return;
        }
        const call = reg.callFor(r.htCall, open.deviceId, false);
        call.distributed = true;
        call.appName = open.app.friendlyName;
        // States the miniport indicated while MAKE_CALL was outstanding reached NDISTAPI before the server knew the call.
        const tracked = reg.shim.calls.get(r.htCall);
        if (call.state === 0 && tracked !== undefined && tracked.state !== 0) {
          call.state = tracked.state;
          call.stateSince = reg.now();
        }
        const { handle, monitors } = this.distribution.giveMade(call, open);
        this.postReply(key, 0, handle.hCall);
        for (const h of monitors) this.distribution.announceMade(call, h);
      },
      () => this.postReply(key, lineErr(LINEERR_OPERATIONFAILED)),
    );
    return id;
  }
}
