import {
  LINECALLINFOSTATE_NUMMONITORS,
  LINECALLINFOSTATE_NUMOWNERINCR,
  LINECALLPRIVILEGE_MONITOR,
  LINECALLPRIVILEGE_OWNER,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINECALLSTATE_UNKNOWN,
  LINEERR_INVALMEDIAMODE,
  LINEERR_TARGETNOTFOUND,
  LINEERR_TARGETSELF,
  LINEMEDIAMODE_UNKNOWN,
  LINE_APPNEWCALL,
  LINE_CALLSTATE,
} from '../oid/index.js';
import { PROBING_ORDER, type HandoffPriorities } from './handoff-priorities.js';
import type { OpenLine } from './line-app.js';
import { lineErr } from './line-errors.js';
import type { CallHandle, ServerCall } from './server-call.js';
import type { ServerRegistry } from './server-registry.js';

/** Whether a mask has exactly one bit. */
export const oneBit = (x: number): boolean => x !== 0 && (x & (x - 1)) === 0;

/**
 * Who gets a call (ms-trp.md §7.2 to §7.4): the initial owner of an incoming call by its media
 * mode and the handoff priority lists (the unknown application, or TAPI playing it), monitors'
 * handles, the announcements (LINE_APPNEWCALL, LINE_CALLSTATE), handles to a call another
 * application made, and lineHandoff.
 */
export class CallDistribution {
  constructor(
    private readonly reg: ServerRegistry,
    private readonly priorities: HandoffPriorities,
  ) {}

  /** Owners of a device open for one media mode, highest priority first. */
  private rankedOwners(deviceId: number, mediaMode: number): OpenLine[] {
    const candidates = this.reg.ownerOpens(deviceId).filter((o) => (o.mediaModes & mediaMode) !== 0);
    return this.priorities.order(mediaMode, candidates, (o) => o.app.moduleName);
  }

  /**
   * The initial owner (ms-trp.md §7.3, §7.4): for one known media mode, the highest-priority
   * application with the line open as owner for it; with UNKNOWN, the unknown application, or,
   * without one, the first candidate mode in probing order that has an owner. Then every monitor.
   * A call nobody owns is dropped unless it is OFFERING or IDLE (§7.8).
   */
  distribute(call: ServerCall): void {
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
    if (owner !== undefined) given.push(this.reg.give(call, owner, LINECALLPRIVILEGE_OWNER));
    for (const o of this.reg.opensOf(call.deviceId)) {
      if ((o.privileges & LINECALLPRIVILEGE_MONITOR) === 0 || call.handles.has(o.app)) continue;
      given.push(this.reg.give(call, o, LINECALLPRIVILEGE_MONITOR));
    }
    // The counts are final before anyone hears of the call, and no LINE_CALLINFO goes with it.
    for (const h of given) this.announce(call, h);
    if (owner === undefined && call.state !== LINECALLSTATE_OFFERING && call.state !== LINECALLSTATE_IDLE) void this.reg.client.drop(call.htCall);
    if (given.length === 0 && call.idle) void this.reg.closeIfUnheld(call);
  }

  /** LINE_APPNEWCALL then the call's state, with the privilege in param3 (docs/tapi.md, decisions 1, 2). */
  private announce(call: ServerCall, h: CallHandle): void {
    const o = h.open;
    this.reg.toOpen(o, LINE_APPNEWCALL, o.hLine, 0, h.hCall, h.privilege);
    this.reg.post(h, LINE_CALLSTATE, call.state, call.stateMode, h.privilege);
  }

  /**
   * A call `open`'s application made (MakeCall completed): it owns the call, and the monitors of
   * the line get handles too (ms-trp.md §4.3). Returns the maker's handle; `announceMade` tells
   * the monitors, once the maker has its LINE_REPLY.
   */
  giveMade(call: ServerCall, open: OpenLine): { readonly handle: CallHandle; readonly monitors: readonly CallHandle[] } {
    const handle = this.reg.give(call, open, LINECALLPRIVILEGE_OWNER);
    const watchers = this.reg.opensOf(open.deviceId).filter((o) => (o.privileges & LINECALLPRIVILEGE_MONITOR) !== 0 && !call.handles.has(o.app));
    return { handle, monitors: watchers.map((o) => this.reg.give(call, o, LINECALLPRIVILEGE_MONITOR)) };
  }

  /**
   * A call another application made, to a monitor (ms-trp.md §4.3): LINE_APPNEWCALL, then
   * LINE_CALLSTATE with LINECALLSTATE_UNKNOWN and the privilege, at the time of the maker's
   * LINE_REPLY, then the call's real state. No LINE_CALLINFO goes with it (§7.9): the counts are
   * right when the handles are announced.
   */
  announceMade(call: ServerCall, h: CallHandle): void {
    const o = h.open;
    this.reg.toOpen(o, LINE_APPNEWCALL, o.hLine, 0, h.hCall, h.privilege);
    this.reg.post(h, LINE_CALLSTATE, LINECALLSTATE_UNKNOWN, 0, h.privilege);
    if (call.state !== 0) this.reg.post(h, LINE_CALLSTATE, call.state, call.stateMode, 0);
  }

  /**
   * lineHandoff: to the application `fileName` names, or (no name) to the highest-priority one
   * that has the line open as owner for `mediaMode` (one bit). The target becomes owner and gets
   * LINE_CALLSTATE with OWNER in param3 (after LINE_APPNEWCALL if it had no handle); the caller
   * keeps its own privilege.
   */
  handoff(hCall: number, fileName: string | undefined, mediaMode: number): number {
    const h = this.reg.owned(hCall, true);
    if (typeof h === 'number') return h;
    const { call, handle } = h;
    const me = handle.open.app;
    let target: OpenLine | undefined;
    if (fileName !== undefined && fileName !== '') {
      target = this.reg.ownerOpens(call.deviceId).find((o) => o.app.moduleName.toLowerCase() === fileName.toLowerCase());
      if (target === undefined) return lineErr(LINEERR_TARGETNOTFOUND);
      if (target.app === me) return 0;
    } else {
      if (!oneBit(mediaMode)) return lineErr(LINEERR_INVALMEDIAMODE);
      target = this.rankedOwners(call.deviceId, mediaMode)[0];
      if (target === undefined) return lineErr(LINEERR_TARGETNOTFOUND);
      if (target.app === me) return lineErr(LINEERR_TARGETSELF);
    }
    const existing = call.handles.get(target.app);
    if (existing === undefined) {
      const given = this.reg.give(call, target, LINECALLPRIVILEGE_OWNER);
      this.announce(call, given);
      this.reg.callInfo(call, LINECALLINFOSTATE_NUMOWNERINCR, target.app);
    } else {
      const was = existing.privilege;
      existing.privilege = LINECALLPRIVILEGE_OWNER;
      this.reg.post(existing, LINE_CALLSTATE, call.state, call.stateMode, LINECALLPRIVILEGE_OWNER);
      if (was !== LINECALLPRIVILEGE_OWNER) this.reg.callInfo(call, LINECALLINFOSTATE_NUMOWNERINCR | LINECALLINFOSTATE_NUMMONITORS, target.app);
    }
    return 0;
  }
}
