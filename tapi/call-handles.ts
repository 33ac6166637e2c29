import {
  LINECALLINFOSTATE_NUMMONITORS,
  LINECALLINFOSTATE_NUMOWNERDECR,
  LINECALLINFOSTATE_NUMOWNERINCR,
  LINECALLPRIVILEGE_MONITOR,
  LINECALLPRIVILEGE_OWNER,
  LINEERR_INVALCALLPRIVILEGE,
  LINEERR_INVALCALLSTATE,
  LINEERR_INVALLINEHANDLE,
} from '../oid/index.js';
import { lineErr } from './line-errors.js';
import type { ServerRegistry } from './server-registry.js';

/**
 * The functions by which an application changes what it holds of a call (ms-trp.md §7.6, §7.7):
 * lineDeallocateCall, lineSetCallPrivilege and lineGetNewCalls, with the LINE_CALLINFO count
 * changes they cause for the other holders (§7.9).
 */
export class CallHandles {
  constructor(private readonly reg: ServerRegistry) {}

  /**
   * lineDeallocateCall: the handle goes. A sole owner may deallocate a call that is not idle
   * (TAPI 2.0 and later: docs/tapi.md, decision 4), leaving it without an owner. When the last
   * handle goes, the call is closed at the miniport (CLOSE_CALL drops it if it is live).
   */
  async deallocateCall(hCall: number): Promise<number> {
    const h = this.reg.owned(hCall, false);
    if (typeof h === 'number') return h;
    this.reg.release(h.call, h.handle, h.handle.open.app);
    return this.reg.closeIfUnheld(h.call);
  }

  /**
   * lineSetCallPrivilege: owner or monitor. The sole owner of a call that is not idle cannot
   * become a monitor (LINEERR_INVALCALLSTATE). Other holders hear of the count change.
   */
  setCallPrivilege(hCall: number, privilege: number): number {
    const h = this.reg.owned(hCall, false);
    if (typeof h === 'number') return h;
    if (privilege !== LINECALLPRIVILEGE_OWNER && privilege !== LINECALLPRIVILEGE_MONITOR) return lineErr(LINEERR_INVALCALLPRIVILEGE);
    const { call, handle } = h;
    if (handle.privilege === privilege) return 0;
    if (privilege === LINECALLPRIVILEGE_MONITOR && call.owners === 1 && !call.idle) return lineErr(LINEERR_INVALCALLSTATE);
    handle.privilege = privilege;
    this.reg.callInfo(call, (privilege === LINECALLPRIVILEGE_OWNER ? LINECALLINFOSTATE_NUMOWNERINCR : LINECALLINFOSTATE_NUMOWNERDECR) | LINECALLINFOSTATE_NUMMONITORS, handle.open.app);
    return 0;
  }

  /**
   * lineGetNewCalls: handles, with monitor privilege (the TAPI API's rule: docs/tapi.md,
   * decision 3), to the calls on the line the application has none for.
   */
  getNewCalls(hLine: number): readonly number[] | number {
    const open = this.reg.opens.get(hLine);
    if (open === undefined) return lineErr(LINEERR_INVALLINEHANDLE);
    const out: number[] = [];
    for (const call of this.reg.calls.values()) {
      if (call.deviceId !== open.deviceId || call.handles.has(open.app) || call.idle) continue;
      out.push(this.reg.give(call, open, LINECALLPRIVILEGE_MONITOR).hCall);
      this.reg.callInfo(call, LINECALLINFOSTATE_NUMMONITORS, open.app);
    }
    return out;
  }
}
