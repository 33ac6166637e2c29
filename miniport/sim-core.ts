import {
  LINEBEARERMODE_DATA,
  LINEBUSYMODE_STATION,
  LINEMEDIAMODE_DIGITALDATA,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_DIALTONE,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINEDEVSTATE_CONNECTED,
  LINEDEVSTATE_DISCONNECTED,
  LINEDEVSTATE_RINGING,
  LINEDIALTONEMODE_NORMAL,
  LINEDISCONNECTMODE_NOANSWER,
  LINEDISCONNECTMODE_NORMAL,
  LINEDISCONNECTMODE_REJECT,
  LINEDISCONNECTMODE_UNREACHABLE,
  LINE_CALLSTATE,
  LINE_LINEDEVSTATE,
  LINE_NEWCALL,
  type StructName,
} from '../oid/index.js';
import type { Clock } from '../sim/clock.js';
import { nextCallState, type CallEvent } from './call-state-table.js';
import { HandleMap } from './handle-map.js';
import { IndicationWriter } from './indication-writer.js';
import { SimCall, SimLine } from './sim-call.js';
import { StructAccesses, type StructAccess } from './struct-access.js';
import type { OutgoingOutcome, SimulatedMiniportConfig } from './sim-config.js';

/** Why the network's offer of a call was not indicated to NDISTAPI. */
export type OfferRefusal =
  | 'not-initialized'
  | 'no-such-line'
  | 'no-such-address'
  | 'line-closed'
  | 'media-mode-not-detected'
  | 'address-busy'
  | 'no-htcall';

const HDLINE_BASE = 0x1000;
const HDCALL_BASE = 0x2_0000;

/**
 * The state of the simulated miniport and what it does on its own: lines, calls, the call
 * state machine's side effects (indications, line-up and line-down, timers). The OID handlers
 * and the remote party act through it; nothing here returns an NDIS_STATUS.
 */
export class SimCore {
  readonly lines: SimLine[];
  readonly calls = new HandleMap<SimCall>();
  readonly out: IndicationWriter;
  initialized = false;
  deviceIdBase = 0;
  private nextHdCall = HDCALL_BASE;
  private nextCallId = 1;

  constructor(
    readonly config: SimulatedMiniportConfig,
    readonly clock: Clock,
  ) {
    this.lines = Array.from({ length: config.lines }, (_, i) => new SimLine(i, config.addressesPerLine));
    this.out = new IndicationWriter(config.abi, config.variant);
    this.accessors = new StructAccesses(config.abi, config.variant);
  }

  private readonly accessors: StructAccesses;

  /** Member access for a structure in this miniport's ABI (built once). */
  access(structure: StructName): StructAccess {
    return this.accessors.of(structure);
  }

  hdLineOf(line: SimLine): number {
    return HDLINE_BASE + line.index;
  }

  /** The open line with handle `hdLine`. */
  lineByHandle(hdLine: number): SimLine | undefined {
    const line = this.lines[hdLine - HDLINE_BASE];
    return line !== undefined && line.hdLine === hdLine ? line : undefined;
  }

  /** The line with TAPI device id `deviceId`, open or not. */
  lineByDeviceId(deviceId: number): SimLine | undefined {
    return this.initialized ? this.lines[deviceId - this.deviceIdBase] : undefined;
  }

  /** The calls on a line not yet freed (a scan: only line-wide requests need it). */
  callsOn(line: SimLine): SimCall[] {
    const out: SimCall[] = [];
    for (const c of this.calls.values()) if (c.line === line) out.push(c);
    return out;
  }

  /** Calls on an address that hold it (every call not yet IDLE). */
  busyCalls(line: SimLine, addressId: number): number {
    return line.busy[addressId] ?? 0;
  }

  newCall(line: SimLine, addressId: number, htCall: number, inbound: boolean, mediaMode: number, bearerMode: number, callerId: string, calledId: string): SimCall {
    const hdCall = this.nextHdCall++;
    const call = new SimCall(hdCall, htCall, line, addressId, inbound, mediaMode, bearerMode, this.config.maxRate, callerId, calledId, this.nextCallId++);
    this.calls.set(hdCall, call);
    line.busy[addressId]!++;
    return call;
  }

  /** The bearer a call of a media mode gets: DATA for digital data where the line has it, else the line's first. */
  bearerFor(mediaMode: number): number {
    const modes = this.config.bearerModes;
    if (mediaMode & LINEMEDIAMODE_DIGITALDATA && modes & LINEBEARERMODE_DATA) return LINEBEARERMODE_DATA;
    return modes & -modes;
  }

  /** The network offers a call: LINE_NEWCALL, the htCall read back, OFFERING, the offer timer. */
  offer(lineIndex: number, addressId: number, mediaMode: number, callerId: string, calledId: string): SimCall | OfferRefusal {
    if (!this.initialized) return 'not-initialized';
    const line = this.lines[lineIndex];
    if (line === undefined) return 'no-such-line';
    if (!(addressId >= 0 && addressId < this.config.addressesPerLine)) return 'no-such-address';
    if (!line.open) return 'line-closed';
    // ndis-tapi.md §5: only media modes in the last successful SET_DEFAULT_MEDIA_DETECTION.
    if ((mediaMode & line.detecting) !== mediaMode || mediaMode === 0) return 'media-mode-not-detected';
    if (this.busyCalls(line, addressId) >= this.config.callsPerAddress) return 'address-busy';
    const call = this.newCall(line, addressId, 0, true, mediaMode, this.bearerFor(mediaMode), callerId, calledId);
    call.state = LINECALLSTATE_OFFERING;
    const htCall = this.out.tapiEvent(line.htLine, 0, LINE_NEWCALL, call.hdCall, 0, 0);
    if (htCall === 0 || call.closed) {
      // A robust miniport treats a zero htCall as "cannot take the call now" (§5): no more events.
      this.forget(call);
      return 'no-htcall';
    }
    call.htCall = htCall;
    this.indicateState(call);
    if (call.closed || call.state !== LINECALLSTATE_OFFERING) return call;
    if (line.lineStates & LINEDEVSTATE_RINGING) this.out.tapiEvent(line.htLine, 0, LINE_LINEDEVSTATE, LINEDEVSTATE_RINGING, 1, 0);
    if (call.state === LINECALLSTATE_OFFERING && !call.closed) {
      call.timer = this.clock.setTimer(this.config.offerTimeoutMs, () => {
        call.timer = undefined;
        this.move(call, 'offerTimeout');
      });
    }
    return call;
  }

  /** Applies a state-machine event; false when it does not apply in the call's state. */
  move(call: SimCall, event: CallEvent, given?: number, mode = 0): boolean {
    if (call.closed) return false;
    const to = nextCallState(call.state, event, given);
    if (to === undefined) return false;
    if (event !== 'progress' && call.timer !== undefined) {
      call.timer.cancel();
      call.timer = undefined;
    }
    const from = call.state;
    const wasConnected = from === LINECALLSTATE_CONNECTED;
    if (to === LINECALLSTATE_CONNECTED) {
      // ndis-tapi.md §8: the line-up comes before CONNECTED is indicated.
      this.bringUp(call);
    } else if (call.linkUp) {
      this.bringDown(call);
    }
    // NDISTAPI may act on the call from inside the line-up or line-down (CLOSE_CALL, DROP):
    // then that action has moved it, and this one is over.
    if (call.closed || call.state !== from) return true;
    if (to === LINECALLSTATE_IDLE) call.line.busy[call.addressId]!--;
    call.state = to;
    call.stateMode = mode;
    this.indicateState(call);
    const states = call.line.lineStates;
    if (to === LINECALLSTATE_CONNECTED && states & LINEDEVSTATE_CONNECTED) {
      this.out.tapiEvent(call.line.htLine, 0, LINE_LINEDEVSTATE, LINEDEVSTATE_CONNECTED, 0, 0);
    } else if (wasConnected && states & LINEDEVSTATE_DISCONNECTED) {
      this.out.tapiEvent(call.line.htLine, 0, LINE_LINEDEVSTATE, LINEDEVSTATE_DISCONNECTED, 0, 0);
    }
    return true;
  }

  private indicateState(call: SimCall): void {
    this.out.tapiEvent(call.line.htLine, call.htCall, LINE_CALLSTATE, call.state, call.stateMode, call.mediaMode);
  }

  private bringUp(call: SimCall): void {
    if (call.linkUp) return;
    call.linkUp = true;
    call.linkContext = this.out.lineUp(this.config.linkSpeed, call.htCall, call.linkHandle, call.linkContext);
  }

  private bringDown(call: SimCall): void {
    call.linkUp = false;
    this.out.lineDown(call.linkContext);
  }

  /** OID_TAPI_DROP, and the drop part of CLOSE_CALL: to IDLE (line-down first), unless already IDLE. */
  drop(call: SimCall): void {
    this.move(call, 'drop');
  }

  /** Frees a call: CLOSE_CALL completed, or the line or provider went away. */
  forget(call: SimCall): void {
    if (call.timer !== undefined) {
      call.timer.cancel();
      call.timer = undefined;
    }
    if (call.linkUp) this.bringDown(call);
    if (call.state !== LINECALLSTATE_IDLE) call.line.busy[call.addressId]!--;
    call.closed = true;
    this.calls.delete(call.hdCall);
  }

  /**
   * OID_TAPI_MAKE_CALL: the call is placed (in its first progress state) or, without a
   * destination, waits in DIALTONE for OID_TAPI_DIAL (§6.7), as soon as the request is done;
   * the state is indicated at the next turn of the clock, after the completion, since the
   * reference advises completing MAKE_CALL before indicating for its htCall.
   */
  placeCall(call: SimCall, dialNow: boolean): void {
    const first = this.config.outgoing.progress[0]!;
    call.state = dialNow ? first : LINECALLSTATE_DIALTONE;
    call.stateMode = dialNow ? 0 : LINEDIALTONEMODE_NORMAL;
    call.timer = this.clock.setTimer(0, () => {
      call.timer = undefined;
      if (call.closed) return;
      this.indicateState(call);
      if (dialNow) this.startOutgoing(call, 1);
    });
  }

  /** OID_TAPI_DIAL on a call waiting in DIALTONE: the first progress state now, then the rest. */
  dial(call: SimCall): boolean {
    if (!this.move(call, 'place', this.config.outgoing.progress[0])) return false;
    this.startOutgoing(call, 1);
    return true;
  }

  /** The progress states from `step` on, `outgoing.stepMs` apart on the clock, then the outcome. */
  private startOutgoing(call: SimCall, step: number): void {
    const { progress, stepMs } = this.config.outgoing;
    call.timer = this.clock.setTimer(stepMs, () => {
      call.timer = undefined;
      if (call.closed) return;
      if (step < progress.length) {
        const target = progress[step]!;
        if (call.state === target || this.move(call, 'progress', target)) this.startOutgoing(call, step + 1);
        return;
      }
      this.finishOutgoing(call, this.outcomeFor(call));
    });
  }

  outcomeFor(call: SimCall): OutgoingOutcome {
    const o = this.config.outgoing;
    return o.byAddress[call.calledId] ?? o.outcome;
  }

  /** Ends an outgoing call's progress with an outcome; false when the call is not being placed. */
  finishOutgoing(call: SimCall, outcome: OutgoingOutcome): boolean {
    switch (outcome) {
      case 'answer':
        return this.move(call, 'remoteAnswer');
      case 'busy':
        return this.move(call, 'remoteBusy', undefined, LINEBUSYMODE_STATION);
      case 'noanswer':
        return this.move(call, 'remoteFail', undefined, LINEDISCONNECTMODE_NOANSWER);
      case 'reject':
        return this.move(call, 'remoteFail', undefined, LINEDISCONNECTMODE_REJECT);
      case 'unreachable':
        return this.move(call, 'remoteFail', undefined, LINEDISCONNECTMODE_UNREACHABLE);
      case 'manual':
        return true;
    }
  }

  /** The far end hangs up: an unanswered offer goes IDLE, a connected call DISCONNECTED (NORMAL). */
  remoteHangUp(call: SimCall): boolean {
    if (this.move(call, 'abandon')) return true;
    return this.move(call, 'remoteHangUp', undefined, LINEDISCONNECTMODE_NORMAL);
  }

  /** Cancels every call's timer (the calls stay as they are). */
  stopTimers(): void {
    for (const call of this.calls.values()) {
      call.timer?.cancel();
      call.timer = undefined;
    }
  }

  /** Everything goes: PROVIDER_SHUTDOWN. Line-down for every link still up, all state dropped. */
  shutdown(): void {
    for (const call of [...this.calls.values()]) this.forget(call);
    for (const line of this.lines) {
      line.hdLine = 0;
      line.htLine = 0;
      line.detecting = 0;
      line.lineStates = 0;
      line.addressStates = 0;
    }
    this.initialized = false;
  }

  /** OID_TAPI_CLOSE: the line's calls are dropped and freed, then the line closes. */
  closeLine(line: SimLine): void {
    for (const call of this.callsOn(line)) {
      this.drop(call);
      this.forget(call);
    }
    line.hdLine = 0;
    line.htLine = 0;
    line.detecting = 0;
    line.lineStates = 0;
    line.addressStates = 0;
  }
}
