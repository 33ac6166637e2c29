import { LINECALLSTATE_IDLE, LINE_CALLINFO, LINE_CALLSTATE, LINE_CLOSE, LINE_CREATE, LINE_REMOVE } from '../oid/index.js';
import type { LineEvent } from '../ndistapi/line-event.js';
import type { CallDistribution } from './call-distribution.js';
import type { LineStatus } from './line-status.js';
import type { ServerRegistry } from './server-registry.js';

/**
 * The miniport's line events (as NDISTAPI decodes them), turned into what each application
 * should see: a new call handed out at its first state, call states and the miniport's
 * LINE_CALLINFO to the holders, line and address states by the status-message masks, and a
 * line closed, created or removed under the applications.
 */
export class LineEvents {
  constructor(
    private readonly reg: ServerRegistry,
    private readonly status: LineStatus,
    private readonly distribution: CallDistribution,
  ) {}

  on(e: LineEvent): void {
    const reg = this.reg;
    switch (e.type) {
      case 'newCall':
        reg.callFor(e.htCall, reg.deviceOf(e.htLine), true);
        return;
      case 'callState': {
        const call = reg.calls.get(e.htCall);
        if (call === undefined) return;
        if (call.state !== e.state) call.stateSince = reg.now();
        call.state = e.state;
        call.stateMode = e.mode;
        if (e.state === LINECALLSTATE_IDLE) call.idle = true;
        if (!call.distributed) {
          call.mediaMode = e.mediaMode;
          this.distribution.distribute(call);
          return;
        }
        for (const handle of call.handles.values()) reg.post(handle, LINE_CALLSTATE, e.state, e.mode, 0);
        return;
      }
      case 'lineDevState': {
        const deviceId = reg.deviceOf(e.htLine);
        if (deviceId >= 0) this.status.lineDevState(deviceId, e.state, e.param2, e.param3, undefined);
        return;
      }
      case 'addressState':
        this.status.addressState(reg.deviceOf(e.htLine), e.addressId, e.state);
        return;
      case 'lineClose': {
        const deviceId = reg.deviceOf(e.htLine);
        if (deviceId >= 0) void this.forceClose(deviceId);
        return;
      }
      case 'other':
        if (e.msg === LINE_CREATE) this.lineCreated();
        else if (e.msg === LINE_REMOVE) void this.lineRemoved(e.param1);
        return;
      case 'callInfo': {
        // The miniport's own changes (media mode, app-specific ...) go to every holder, never after IDLE.
        const call = reg.calls.get(e.htCall);
        if (call === undefined || !call.distributed || call.idle) return;
        for (const handle of call.handles.values()) reg.post(handle, LINE_CALLINFO, e.changed, 0, 0);
        return;
      }
    }
  }

  /**
   * The line is closed under its applications (the miniport's LINE_CLOSE, a removed device, the
   * provider's shutdown): every handle to its calls goes, every open of it gets LINE_CLOSE and
   * is gone, then, as NDISTAPI does, the calls are closed (OID_TAPI_CLOSE_CALL drops a live one)
   * and the line (OID_TAPI_CLOSE). No LINE_CALLINFO: nobody is left holding the calls.
   */
  async forceClose(deviceId: number): Promise<void> {
    const reg = this.reg;
    const opens = reg.opensOf(deviceId);
    if (opens.length === 0) return;
    const calls = [...reg.calls.values()].filter((c) => c.deviceId === deviceId);
    for (const call of calls) {
      for (const h of call.handles.values()) reg.held.delete(h.hCall);
      call.handles.clear();
    }
    for (const o of opens) {
      reg.opens.delete(o.hLine);
      o.app.lines.delete(o.hLine);
    }
    // LINE_CLOSE is the one message that goes to an open as it closes.
    for (const o of opens) reg.toApp(o.app, { msg: LINE_CLOSE, hDevice: o.hLine, callbackInstance: o.openContext, param1: 0, param2: 0, param3: 0 });
    for (const call of calls) await reg.closeIfUnheld(call);
    reg.deviceDetect.delete(deviceId);
    this.status.forget(deviceId);
    await reg.client.close(reg.shim.htLineFor(deviceId));
  }

  /** A new line device (the miniport's LINE_CREATE): the next device id, LINE_CREATE to every application. */
  private lineCreated(): void {
    const deviceId = this.reg.numLines++;
    for (const app of this.reg.apps.values()) this.reg.toApp(app, { msg: LINE_CREATE, hDevice: 0, callbackInstance: app.initContext, param1: deviceId, param2: 0, param3: 0 });
  }

  /** A line device gone (a LINE_REMOVE naming its device id): closed under its applications, LINE_REMOVE to every application. */
  private async lineRemoved(deviceId: number): Promise<void> {
    if (this.reg.badDevice(deviceId) !== 0) return;
    this.reg.removed.add(deviceId);
    await this.forceClose(deviceId);
    for (const app of this.reg.apps.values()) this.reg.toApp(app, { msg: LINE_REMOVE, hDevice: 0, callbackInstance: app.initContext, param1: deviceId, param2: 0, param3: 0 });
  }
}
