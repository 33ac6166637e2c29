import type { Timer } from '../sim/clock.js';

/** A line device of the simulated miniport. */
export class SimLine {
  /** hdLine while open; 0 when closed. */
  hdLine = 0;
  /** NDISTAPI's htLine from OID_TAPI_OPEN. */
  htLine = 0;
  /** LINEMEDIAMODE_* bits of the last successful SET_DEFAULT_MEDIA_DETECTION; 0: outbound only. */
  detecting = 0;
  /** LINEDEVSTATE_* bits SET_STATUS_MESSAGES enabled. */
  lineStates = 0;
  /** LINEADDRESSSTATE_* bits SET_STATUS_MESSAGES enabled. */
  addressStates = 0;
  /** Per address: calls that hold it (not yet IDLE). Kept by SimCore as calls change state. */
  readonly busy: number[];

  constructor(
    /** 0-based index on the adapter. */
    readonly index: number,
    addresses: number,
  ) {
    this.busy = new Array<number>(addresses).fill(0);
  }

  get open(): boolean {
    return this.hdLine !== 0;
  }
}

/** A call of the simulated miniport: its handles, its state and its data link. */
export class SimCall {
  /** LINECALLSTATE_*. */
  state = 0;
  /** The state's detail (LINEBUSYMODE_*, LINEDISCONNECTMODE_*, ...). */
  stateMode = 0;
  appSpecific = 0;
  secure = false;
  /** Whether NDIS_STATUS_WAN_LINE_UP was indicated and not yet followed by a line-down. */
  linkUp = false;
  /** NdisLinkContext NDISWAN wrote back into the first line-up; 0 before. */
  linkContext = 0;
  /** The offer timeout, or the next outgoing progress step. */
  timer: Timer | undefined = undefined;
  /** Set once CLOSE_CALL freed the call: nothing more may be indicated for it. */
  closed = false;

  constructor(
    readonly hdCall: number,
    /** NDISTAPI's handle: from ulParam2 after LINE_NEWCALL, or from MAKE_CALL. */
    public htCall: number,
    readonly line: SimLine,
    readonly addressId: number,
    readonly inbound: boolean,
    public mediaMode: number,
    public bearerMode: number,
    public rate: number,
    /** Caller id (inbound) as the network gave it. */
    readonly callerId: string,
    /** The dialled destination (outbound), or the called number (inbound). */
    public calledId: string,
    /** LINE_CALL_INFO.ulCallID: unique per call on this miniport. */
    readonly callId: number,
  ) {}

  /** NDIS_MAC_LINE_UP.NdisLinkHandle: the miniport's handle of the call's link. */
  get linkHandle(): number {
    return this.hdCall;
  }
}
